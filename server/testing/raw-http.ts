import net from 'node:net';

/** HTTP/1.1 over a raw socket: for bodies no fetch client sends (endless, stalled, lying). */

export interface RawAnswer {
  status: number;
  head: string;
  /** Body bytes the client had written when the answer's status line arrived. */
  sentBeforeAnswer: number;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
}

/**
 * Sends `head`, then body chunks as fast as the server takes them (up to `total`, or forever
 * when `stallAfter` is set: then it stops sending without closing), until an answer arrives.
 */
export function rawRequest(port: number, head: string, body: { total?: number; chunked?: boolean; stallAfter?: number; first?: Buffer }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let sent = 0;
    let answered = false;
    let received = '';
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {}); // a reset after the answer is expected
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (!answered && end >= 0) {
        answered = true;
        resolve({ status: Number(received.split(' ')[1]), head: received.slice(0, end), sentBeforeAnswer: sent, closed });
      }
    });
    socket.once('close', () => answered || reject(new Error(`connection closed without an answer after ${sent} bytes`)));
    socket.once('connect', async () => {
      socket.write(head);
      const filler = Buffer.alloc(64 * 1024, 0x61);
      let chunk = body.first ?? filler;
      while (!answered && !socket.destroyed && (body.total === undefined || sent < body.total)) {
        if (body.stallAfter !== undefined && sent >= body.stallAfter) return; // stop sending, keep the connection open
        const framed = body.chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
        sent += chunk.length;
        if (!socket.write(framed)) {
          await new Promise<void>((go) => {
            socket.once('drain', go);
            const poll = setInterval(() => (answered || socket.destroyed) && (clearInterval(poll), go()), 20);
            socket.once('drain', () => clearInterval(poll));
          });
        }
        chunk = filler;
      }
    });
  });
}

export const requestHead = (method: string, target: string, headers: Record<string, string>) =>
  `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

