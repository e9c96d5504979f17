// Turns an @example into code the doctest can run: import lines become bindings the test provides, and every
// expression statement with a value comment (`expr; // [4, 6]`, or `console.log(expr); // 4`) reports the
// expression's value to a check. Comments that start like a value but do not parse are errors, not prose.
import ts from 'typescript';
import { looksLikeValue, parseExpected, type Expected } from './values';

/** A value comment to check. */
export interface Check {
  id: number;
  /** 1-based line in the example. */
  line: number;
  statement: string;
  expected: Expected;
}

/** An import line of the example: `import { a, b as c } from 'm'`, `import d from 'm'`, `import * as n from 'm'`. */
export interface Import {
  module: string;
  bindings: { imported: string; local: string }[];
}

/** An example ready to run. */
export interface Prepared {
  checks: Check[];
  imports: Import[];
  /** Runs the example with `scope`'s entries as variables; each check calls `check(id, value)`. */
  run(scope: Record<string, unknown>, check: (id: number, value: unknown) => void): Promise<void>;
}

function importOf(statement: ts.ImportDeclaration): Import {
  const module = (statement.moduleSpecifier as ts.StringLiteral).text;
  const bindings: Import['bindings'] = [];
  const clause = statement.importClause;
  if (clause?.name) bindings.push({ imported: 'default', local: clause.name.text });
  const named = clause?.namedBindings;
  if (named && ts.isNamespaceImport(named)) bindings.push({ imported: '*', local: named.name.text });
  if (named && ts.isNamedImports(named)) {
    for (const element of named.elements) {
      if (!element.isTypeOnly) bindings.push({ imported: (element.propertyName ?? element.name).text, local: element.name.text });
    }
  }
  return { module, bindings: clause?.isTypeOnly ? [] : bindings };
}

const isConsoleLog = (e: ts.Expression): e is ts.CallExpression =>
  ts.isCallExpression(e) && e.arguments.length === 1 && e.expression.getText() === 'console.log';

/** Parses and instruments an example; throws on syntax errors and on value comments that do not parse. */
export function prepare(code: string): Prepared {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const edits: { start: number; end: number; text: string }[] = [];
  const imports: Import[] = [];
  const checks: Check[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    imports.push(importOf(statement));
    edits.push({ start: statement.getStart(), end: statement.end, text: '' });
  }
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node)) {
      const range = ts.getTrailingCommentRanges(code, node.end)?.find((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia);
      const comment = range && code.slice(range.pos + 2, range.end).trim();
      const expected = comment === undefined ? undefined : parseExpected(comment);
      if (expected) {
        const expression = isConsoleLog(node.expression) ? node.expression.arguments[0] : node.expression;
        const id = checks.length;
        checks.push({ id, line: lineOf(node), statement: node.getText(), expected });
        edits.push({ start: node.getStart(), end: node.end, text: `__check(${id}, (${expression.getText()}));` });
        return;
      }
      if (comment !== undefined && looksLikeValue(comment)) {
        throw new Error(`line ${lineOf(node)}: the comment "// ${comment}" starts like a value but does not parse as one; ` +
          "write the value alone (JSON or a JS literal, optionally '≈ ' before it and a '(remark)' after it), or prose");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let body = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);

  return {
    checks,
    imports,
    run: async (scope, check) => {
      const names = Object.keys(scope).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
      const wrapped = `async function __example(__scope, __check) {\n'use strict';\nconst { ${names.join(', ')} } = __scope;\n{\n${body}\n}\n}\n`;
      const output = ts.transpileModule(wrapped, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        reportDiagnostics: true,
      });
      const errors = (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      if (errors.length > 0) throw new SyntaxError(`the example does not parse: ${errors.join('; ')}`);
      const example = new Function(`${output.outputText}\nreturn __example;`)() as
        (scope: Record<string, unknown>, check: (id: number, value: unknown) => void) => Promise<void>;
      await example(scope, check);
    },
  };
}
