/*
 * Run as a child by develop-memory.integration.test.ts: develops one file `copies` times at once
 * (as that many jobs would) and prints how much the resident set grew (the kernel's high-water
 * mark minus the idle RSS), in bytes.
 */
import fs from 'node:fs';
import { developImage } from '../images/develop';
import { configureSharp } from '../images/sharp';

const [file, maxPixels, widths, copiesArg = '1'] = process.argv.slice(2);
if (!file || !maxPixels || !widths) throw new Error('usage: develop-probe.ts <file> <max pixels> <widths,comma,separated> [copies]');
const copies = Number(copiesArg);
configureSharp(copies, copies);
const original = fs.readFileSync(file);
const idle = process.memoryUsage.rss();
const options = { maxPixels: Number(maxPixels), widths: widths.split(',').map(Number) };
const [developed] = await Promise.all(Array.from({ length: copies }, () => developImage(original, options)));
if (!developed) throw new Error('nothing developed');
console.log(JSON.stringify({ grewBytes: process.resourceUsage().maxRSS * 1024 - idle, width: developed.width, height: developed.height, variants: developed.variants.map((v) => v.width) }));
