/*
 * Run as a child by develop-memory.integration.test.ts: develops one file once and prints how
 * much the resident set grew (the kernel's high-water mark minus the idle RSS), in bytes.
 */
import fs from 'node:fs';
import { configureSharp, developImage } from '../images/develop';

const [file, maxPixels, widths] = process.argv.slice(2);
if (!file || !maxPixels || !widths) throw new Error('usage: develop-probe.ts <file> <max pixels> <widths,comma,separated>');
configureSharp(1, 1);
const original = fs.readFileSync(file);
const idle = process.memoryUsage.rss();
const developed = await developImage(original, { maxPixels: Number(maxPixels), widths: widths.split(',').map(Number) });
console.log(JSON.stringify({ grewBytes: process.resourceUsage().maxRSS * 1024 - idle, width: developed.width, height: developed.height, variants: developed.variants.map((v) => v.width) }));
