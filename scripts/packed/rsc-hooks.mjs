// Module hooks that treat installed @pagedesk/* modules as a React Server Components bundler does: a
// module starting with the 'use client' directive is not run on the server; each of its exports
// becomes a client reference (what react-server-dom-* register: a function that throws when the server
// calls it, tagged `react.client.reference`). Every other module runs as it is, so a pure helper that
// carried the directive by mistake would arrive as a reference instead of its value.
import { init, parse } from 'es-module-lexer';

const DIRECTIVE = /^(?:\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*['"]use client['"]/;

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (result.format !== 'module' || !url.includes('/node_modules/@pagedesk/')) return result;
  const source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
  if (!DIRECTIVE.test(source)) return result;
  await init;
  const [, exports] = parse(source);
  const lines = [
    'const reference = (name) => Object.defineProperties(',
    "  () => { throw new Error('Attempted to call ' + name + '() from the server: it is a client reference'); },",
    `  { $$typeof: { value: Symbol.for('react.client.reference') }, $$id: { value: ${JSON.stringify(url)} + '#' + name } },`,
    ');',
    ...exports.map(({ n }) =>
      n === 'default'
        ? "export default reference('default');"
        : `const ${n}$ = reference(${JSON.stringify(n)}); export { ${n}$ as ${n} };`,
    ),
  ];
  return { format: 'module', source: lines.join('\n'), shortCircuit: true };
}
