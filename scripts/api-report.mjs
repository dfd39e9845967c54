#!/usr/bin/env node
// API reports: API Extractor writes the public surface of every entry of every public package to
// `packages/<name>/api/<entry>.api.md` from the built declarations (run after `pnpm build`). The reports
// are checked in, so every change of public surface shows in review:
//   node scripts/api-report.mjs           compare with the checked-in reports; fails on any difference (CI)
//   node scripts/api-report.mjs --update  rewrite the reports (commit them with the change)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
let failed = 0;
let changed = 0;

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const packageFolder = join(root, 'packages', dir);
  const packageJsonFullPath = join(packageFolder, 'package.json');
  const manifest = JSON.parse(readFileSync(packageJsonFullPath, 'utf8'));
  if (manifest.private) continue;
  const reportFolder = join(packageFolder, 'api');
  mkdirSync(reportFolder, { recursive: true });
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const types = typeof target === 'object' ? target.import?.types : undefined;
    if (!types) continue; // ./package.json, ./styles.css
    const entry = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
    const mainEntryPointFilePath = join(packageFolder, types);
    const tempFolder = join(root, 'node_modules', '.cache', 'api-report', dir);
    if (!existsSync(mainEntryPointFilePath)) {
      console.error(`${manifest.name}${subpath.slice(1)}: ${types} is missing; run \`pnpm build\` first`);
      failed++;
      continue;
    }
    const config = ExtractorConfig.prepare({
      configObjectFullPath: join(packageFolder, 'api-extractor.json'), // virtual: the config is this object
      packageJsonFullPath,
      configObject: {
        projectFolder: packageFolder,
        mainEntryPointFilePath,
        // The built declarations only: without the `@pagedesk/source` condition a workspace dependency
        // resolves to its dist/*.d.ts as a consumer's would (with it, to src/*.ts, which API Extractor
        // refuses with messages naming this machine's absolute paths).
        compiler: {
          overrideTsconfig: {
            extends: join(packageFolder, 'tsconfig.json'),
            compilerOptions: { customConditions: [] },
            files: [mainEntryPointFilePath],
            include: [],
            exclude: [],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: `${entry}.api.md`,
          // API Extractor writes its report to the temp folder only; this script normalises it (below)
          // and compares or copies it itself.
          reportFolder: tempFolder,
          reportTempFolder: tempFolder,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning', addToApiReportFile: true },
            // Release tags (@public, @beta) are not used: everything exported is public.
            'ae-missing-release-tag': { logLevel: 'none' },
            // Undocumented members already show as `// (undocumented)` beside them; the extra footer
            // lines would only repeat them with positions in the emitted files.
            'ae-undocumented': { logLevel: 'none' },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: true,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // A type a public export uses but the entry does not export is listed in the report itself.
        if (message.messageId === 'ae-forgotten-export') message.handled = true;
      },
    });
    const name = `${manifest.name}${subpath.slice(1)}`;
    const reportPath = join(reportFolder, `${entry}.api.md`);
    const built = readReport(join(tempFolder, `${entry}.api.md`));
    const committed = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
    const differs = built !== committed;
    if (differs) changed++;
    if (!result.succeeded || built === undefined) {
      failed++;
      console.error(`${name}: API Extractor failed`);
    } else if (update) {
      if (differs) writeFileSync(reportPath, built);
      console.info(`${name}: packages/${dir}/api/${entry}.api.md ${differs ? 'updated' : 'unchanged'}`);
    } else if (differs) {
      failed++;
      console.error(`${name}: the public API differs from packages/${dir}/api/${entry}.api.md`);
      printDiff(committed ?? '', built);
    } else console.info(`${name}: packages/${dir}/api/${entry}.api.md unchanged`);
  }
}

/**
 * The report API Extractor wrote, without what depends on how the declarations were emitted rather than
 * on the API: a message's position in a `dist/*.d.ts` file (`// dist/x.d.ts:12:5 - …` becomes
 * `// dist/x.d.ts - …`), which moves with any unrelated line of that file, and the order of a union of
 * string literals.
 */
function readReport(path) {
  if (!existsSync(path)) return undefined;
  return (
    readFileSync(path, 'utf8')
      .replace(/^(\/\/ dist\/[^\s:]+):\d+:\d+ - /gm, '$1 - ')
      // A union's members print in the order the compiler met them, which differs between builds and
      // machines when a declaration inlines an inferred type; the order means nothing, so sort them.
      .replace(/"[^"\n]*"(?: \| "[^"\n]*")+/g, (union) => union.split(' | ').sort().join(' | '))
  );
}

/** The changed lines (at most 60), so a CI log shows what differs. */
function printDiff(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const inA = new Set(a);
  const inB = new Set(b);
  const lines = [
    ...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`),
    ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`),
  ];
  for (const line of lines.slice(0, 60)) console.error(`    ${line}`);
  if (lines.length > 60) console.error(`    … ${lines.length - 60} more`);
}
if (failed > 0) {
  console.error(
    `\n${failed} API report(s) out of date or failing. If the change of public API is intended, run ` +
      '`node scripts/pnpm.mjs api:update` and commit the reports (with a changeset).',
  );
  process.exit(1);
}
console.info(`\nAPI reports ${update ? `written (${changed} changed)` : 'match the build'}`);
