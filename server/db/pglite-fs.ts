import fs from 'node:fs';
import { NodeFS } from '@electric-sql/pglite/nodefs';

type EmscriptenOpts = Awaited<ReturnType<NodeFS['init']>>['emscriptenOpts'];
type PreRun = NonNullable<EmscriptenOpts['preRun']>[number];
type Module = Parameters<PreRun>[0];

/** The part of Emscripten's NODEFS that applies a file mode on disk. */
interface NodeOps {
  mknod?: (parent: unknown, name: string, mode: number, dev: unknown) => unknown;
  setattr?: (node: unknown, attr: { mode?: number | null }) => void;
}

/**
 * PGlite's Emscripten layer ignores the process umask and chmods every file it creates
 * to 0666. This keeps group and other bits off everything it writes (files 0600,
 * directories 0700), whatever Postgres asks for.
 */
export class PrivateNodeFS extends NodeFS {
  constructor(dataDir: string) {
    super(dataDir);
    fs.chmodSync(this.rootDir, 0o700);
  }

  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(...args);
    const ownerOnly: PreRun = (mod: Module) => {
      const ops = (mod.NODEFS as unknown as { node_ops?: NodeOps }).node_ops;
      const { mknod, setattr } = ops ?? {};
      if (!ops || !mknod || !setattr) return;
      ops.mknod = (parent, name, mode, dev) => mknod(parent, name, mode & ~0o077, dev);
      ops.setattr = (node, attr) => setattr(node, attr.mode == null ? attr : { ...attr, mode: attr.mode & ~0o077 });
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), ownerOnly] } };
  }
}
