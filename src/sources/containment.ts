// Which files a topology may make rc-policy read. The topology comes from a pull request; without
// this, `file: ../../../../home/runner/.ssh/id_rsa` or a committed symlink to /proc/self/environ
// would make rc-policy open files outside the checkout, and a message about them could end up in a
// public log. Paths the topology references must stay inside its repository and must not go
// through a symlink, unless the person running rc-policy allows it (docs/decisions/0050).
import { lstatSync, realpathSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';

export interface AccessOptions {
  /** Read files outside the topology's repository (`--allow-outside-repo`). */
  readonly allowOutsideRepo?: boolean;
  /** Read files through symlinks (`--follow-symlinks`); their targets must still be inside unless allowOutsideRepo. */
  readonly followSymlinks?: boolean;
}

export interface FileAccess {
  /** The repository: the nearest folder at or above the topology's holding `.git`, else the topology's folder. */
  readonly root: string;
  /** Why `absolute` may not be read (one line, for cert/unreadable or an error), or undefined when it may. */
  refusal(absolute: string): Promise<string | undefined>;
  /** The same, synchronously: certificate files are read synchronously at scale (ADR 0062). */
  refusalSync(absolute: string): string | undefined;
  /**
   * refusalSync without looking at the file itself: for a caller that opens it with O_NOFOLLOW
   * (when symlinks are not followed) and reports ELOOP as symlinkRefusal(absolute). One lstat less
   * per file; the folders are checked once each.
   */
  folderRefusalSync(absolute: string): string | undefined;
  /** The refusal of a path that is a symlink. */
  symlinkRefusal(absolute: string): string;
  /** Whether the final component may be a symlink (open with O_NOFOLLOW otherwise). */
  readonly followSymlinks: boolean;
}

/** The repository a topology lives in: its git work tree, or its own folder when not in git. */
export function repositoryRoot(topologyDir: string): Promise<string> {
  // One walk per folder and process: check, its pack, its waivers and the sources all ask.
  let root = roots.get(topologyDir);
  if (!root) roots.set(topologyDir, (root = findRoot(topologyDir)));
  return root;
}

const roots = new Map<string, Promise<string>>();

async function findRoot(topologyDir: string): Promise<string> {
  for (let dir = topologyDir; ; ) {
    if (await exists(path.join(dir, '.git'))) return dir; // a folder, or a file in worktrees and submodules
    const parent = path.dirname(dir);
    if (parent === dir) return topologyDir;
    dir = parent;
  }
}

/** repositoryRoot without waiting: for work started while the main thread is busy parsing (../sources/preload.ts). */
export function repositoryRootSync(topologyDir: string): string {
  for (let dir = topologyDir; ; ) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return topologyDir;
    dir = parent;
  }
}

const existsSync = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

const exists = (p: string): Promise<boolean> => lstat(p).then(
  () => true,
  () => false,
);

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** The access policy for the files one topology references. `show` turns a path into its display form. */
export async function fileAccess(topologyDir: string, o: AccessOptions = {}, show: (p: string) => string = (p) => p): Promise<FileAccess> {
  return accessWithin(await repositoryRoot(topologyDir), o, show);
}

/** fileAccess without waiting (the repository found with synchronous calls). */
export function fileAccessSync(topologyDir: string, o: AccessOptions = {}, show: (p: string) => string = (p) => p): FileAccess {
  return accessWithin(repositoryRootSync(topologyDir), o, show);
}

function accessWithin(root: string, o: AccessOptions, show: (p: string) => string): FileAccess {
  const allowOutside = o.allowOutsideRepo ?? false;
  const follow = o.followSymlinks ?? false;
  let realRoot: string | undefined;
  // lstat results of folders, shared by every file in them (10,000 brokers, a handful of folders).
  const links = new Map<string, boolean>();
  const isLink = (p: string): boolean => {
    let r = links.get(p);
    if (r === undefined) {
      try {
        r = lstatSync(p).isSymbolicLink();
      } catch {
        r = false; // missing: the read reports it
      }
      links.set(p, r);
    }
    return r;
  };
  /** Files are checked once each: no cache. */
  const isLinkNow = (p: string): boolean => {
    try {
      return lstatSync(p).isSymbolicLink();
    } catch {
      return false; // missing: the read reports it
    }
  };

  const symlinkRefusal = (p: string): string => `refused: ${show(p)} is a symlink; run with --follow-symlinks to read it`;
  // Per folder, computed once: 10,000 broker files share a handful of folders.
  const folders = new Map<string, { within: boolean; refused?: string }>();
  const folder = (dir: string): { within: boolean; refused?: string } => {
    let r = folders.get(dir);
    if (r === undefined) {
      const within = inside(root, dir);
      let refused: string | undefined;
      if (!follow && within) {
        // No symlinks below the repository root.
        let current = root;
        for (const part of path.relative(root, dir).split(path.sep)) {
          if (part === '') continue;
          current = path.join(current, part);
          if (isLink(current)) {
            refused = symlinkRefusal(current);
            break;
          }
        }
      }
      folders.set(dir, (r = refused === undefined ? { within } : { within, refused }));
    }
    return r;
  };
  const realFolders = new Map<string, string | undefined>();
  const realFolder = (dir: string): string | undefined => {
    if (!realFolders.has(dir)) {
      let real: string | undefined;
      try {
        real = realpathSync.native(dir);
      } catch {
        real = undefined;
      }
      realFolders.set(dir, real);
    }
    return realFolders.get(dir);
  };

  const folderRefusalSync = (absolute: string): string | undefined => {
    const base = path.basename(absolute);
    const f = folder(path.dirname(absolute));
    const within = absolute === root || (f.within && base !== '..' && base !== '.');
    if (!within && !allowOutside) {
      return `refused: outside the repository (${show(root)}); run with --allow-outside-repo to read it`;
    }
    if (follow) {
      if (allowOutside) return undefined;
      // The folder's real path once; the file's own only when it is a link.
      const realDir = realFolder(path.dirname(absolute));
      if (realDir === undefined) return undefined; // missing: the read reports it
      let real = path.join(realDir, base);
      if (isLinkNow(real)) {
        try {
          real = realpathSync.native(real);
        } catch {
          return undefined; // a dangling link: the read reports it
        }
      }
      if (realRoot === undefined) {
        try {
          realRoot = realpathSync.native(root);
        } catch {
          realRoot = root;
        }
      }
      if (!inside(realRoot, real)) return 'refused: a symlink leads outside the repository; run with --allow-outside-repo to read it';
      return undefined;
    }
    return within ? f.refused : undefined;
  };

  const refusalSync = (absolute: string): string | undefined => {
    const refused = folderRefusalSync(absolute);
    if (refused || follow) return refused;
    // The file itself (outside the repository, when allowed, only the file is checked).
    return isLinkNow(absolute) ? symlinkRefusal(absolute) : undefined;
  };
  const refusal = async (absolute: string): Promise<string | undefined> => refusalSync(absolute);
  return { root, refusal, refusalSync, folderRefusalSync, symlinkRefusal, followSymlinks: follow };
}

/** No restriction: for files the person running rc-policy named themselves. */
export const UNRESTRICTED: FileAccess = {
  root: path.parse(process.cwd()).root,
  refusal: async () => undefined,
  refusalSync: () => undefined,
  folderRefusalSync: () => undefined,
  symlinkRefusal: (p) => `refused: ${p} is a symlink`,
  followSymlinks: true,
};
