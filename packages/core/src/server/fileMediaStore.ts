import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import type { MediaStore } from '../mediaStore.js';
import { parseOrThrow } from '../parseOrThrow.js';
import { contentTypeOfExtension } from '../sniffMedia.js';

// `fileMediaStore`: the `MediaStore` of one machine, on its disk.

/** Options of {@link fileMediaStore}. */
export interface FileMediaStoreOptions {
  /** The URL path (or absolute URL) the host serves `dir` under; default `/media`. */
  publicPath?: string;
}

const keySchema = z.string().check(
  z.regex(
    /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/,
    'expected path segments of letters, digits, ., _ or -',
  ),
  z.refine((key) => !key.split('/').includes('..'), 'must not contain ..'),
);

/**
 * A `MediaStore` on the local disk: `put` writes `dir/key` and returns `publicPath/key`; serve `dir`
 * under `publicPath` (or use `get`). One machine only: several servers need a shared store (S3...).
 *
 * @example
 * const media = fileMediaStore('/var/lib/helpdesk/media', { publicPath: '/media' });
 * createMediaArchiver({ inbox, media });
 * app.use('/media', express.static('/var/lib/helpdesk/media'));
 * @param dir - the directory the files go to (created when missing)
 * @param options - the public path the URLs start with
 * @returns the store
 */
export function fileMediaStore(dir: string, options: FileMediaStoreOptions = {}): MediaStore {
  if (typeof dir !== 'string' || dir === '')
    throw new ValidationError('fileMediaStore', [{ path: 'dir', message: 'expected a directory path' }]);
  const root = resolve(dir);
  const publicPath = (options.publicPath ?? '/media').replace(/\/+$/, '');
  const pathOf = (key: string) => {
    parseOrThrow(keySchema, key, 'media key');
    const path = resolve(root, key);
    // The schema already refuses `..`; this keeps the guarantee if the schema ever loosens.
    if (!path.startsWith(root + sep))
      throw new ValidationError('media key', [{ path: '', message: 'escapes the directory' }]);
    return path;
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(resolve(path, '..'), { recursive: true });
      await writeFile(path, bytes);
      return `${publicPath}/${key}`;
    },
    async get(key) {
      try {
        const bytes = await readFile(pathOf(key));
        return { bytes, contentType: contentTypeOfExtension(extname(key).slice(1)) };
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async deletePrefix(prefix) {
      // Prefixes are folders of keys (`<channel>/`): the folder goes, and its files are counted first.
      if (!prefix.endsWith('/'))
        throw new ValidationError('media prefix', [{ path: '', message: 'expected a folder ending in /' }]);
      const dirPath = pathOf(prefix.slice(0, -1));
      let entries: { isFile(): boolean }[];
      try {
        entries = await readdir(dirPath, { recursive: true, withFileTypes: true });
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return 0;
        throw error;
      }
      await rm(dirPath, { recursive: true, force: true });
      return entries.filter((entry) => entry.isFile()).length;
    },
  };
}
