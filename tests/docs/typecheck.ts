// Type-checks the examples as strict TypeScript against src/index.ts, as a user would paste them into a module that
// imports every export of simdeep: each example becomes the body of an async function, its own import lines on top.
import ts from 'typescript';
import { compilerOptions } from './collect';

/** One example to check, named for messages. */
export interface ExampleSource {
  name: string;
  code: string;
}

/** The type errors of the examples, as `name line n: message`; `names` are the exports the examples may use. */
export function typeErrors(examples: readonly ExampleSource[], names: readonly string[], root: string, reuse: ts.Program): string[] {
  const files = new Map<string, { text: string; name: string; offset: number }>();
  examples.forEach(({ name, code }, i) => {
    const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
    const imports = source.statements.filter(ts.isImportDeclaration);
    let body = code;
    for (const statement of [...imports].reverse()) body = body.slice(0, statement.getStart()) + body.slice(statement.end);
    const own = imports.map((s) => s.getText()).filter((text) => !/from\s+['"]simdeep['"]/.test(text));
    const head = [`import { ${names.join(', ')} } from '${root}tests/docs/public';`, ...own, 'export async function example(): Promise<void> {'];
    files.set(`${root}tests/docs/__examples__/example${i}.ts`, { text: `${head.join('\n')}\n${body}\n}\n`, name, offset: head.length });
  });
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, language, ...rest) => {
    const virtual = files.get(file);
    return virtual ? ts.createSourceFile(file, virtual.text, language) : getSourceFile.call(host, file, language, ...rest);
  };
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file)?.text ?? readFile.call(host, file);
  const program = ts.createProgram([...files.keys()], options, host, reuse);
  const errors: string[] = [];
  for (const [file, { name, offset }] of files) {
    const source = program.getSourceFile(file)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = source.getLineAndCharacterOfPosition(d.start ?? 0).line - offset + 1;
      errors.push(`${name} line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  return errors;
}
