// Every symbol src/index.ts exports, with its JSDoc, found with the TypeScript compiler API: functions, classes and
// their public members (constructors, methods, accessors, properties, static ones too), interfaces, type aliases,
// and the members of the namespaces (`initializers`, `layers`).
import ts from 'typescript';

/** What a symbol is. Interfaces and type aliases need a description but no example (see examples.test.ts). */
export type Kind = 'function' | 'class' | 'interface' | 'type' | 'namespace' | 'constructor' | 'method' | 'accessor' | 'property';

/** One documented symbol. */
export interface DocSymbol {
  /** Qualified name: `tensor`, `Tensor.add`, `Table.fromRecords`, `initializers.heNormal`. */
  name: string;
  kind: Kind;
  /** Where its declaration is, as `src/file.ts:line`. */
  where: string;
  /** The JSDoc text before the tags ('' if none). */
  description: string;
  /** The code of each @example. */
  examples: string[];
  /** The reason given by a `@doctestSkip` tag, or undefined. */
  skip: string | undefined;
}

/** An export or public class member tagged @internal: not part of the API, hidden from the reference and not tested. */
export interface InternalMember {
  name: string;
  where: string;
}

function ownDocs(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d) && d.parent === node);
}

function tagsOf(node: ts.Node): ts.JSDocTag[] {
  return ownDocs(node).flatMap((d) => [...(d.tags ?? [])]);
}

const hasTag = (node: ts.Node, name: string): boolean => tagsOf(node).some((t) => t.tagName.text === name);

function memberName(member: ts.ClassElement | ts.ParameterDeclaration): string | undefined {
  if (ts.isConstructorDeclaration(member)) return 'constructor';
  const name = member.name;
  if (!name || ts.isPrivateIdentifier(name)) return undefined;
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function isPublic(node: ts.Node): boolean {
  const flags = ts.getCombinedModifierFlags(node as ts.Declaration);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}

/** Compiler options of the collection and of the examples' type check (strict, as tsconfig.json). */
export function compilerOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true, skipLibCheck: true, noEmit: true, types: ['node'], typeRoots: [`${root}node_modules/@types`],
  };
}

/**
 * Collects the exports of `entry` (an absolute path); `root` is stripped from the reported locations. Also returns
 * the program, for the type check of the examples to reuse.
 */
export function collectSymbols(entry: string, root: string): { symbols: DocSymbol[]; internal: InternalMember[]; program: ts.Program } {
  const program = ts.createProgram([entry], compilerOptions(root));
  const checker = program.getTypeChecker();
  const symbols: DocSymbol[] = [];
  const internal: InternalMember[] = [];

  const where = (node: ts.Node): string => {
    const source = node.getSourceFile();
    return `${source.fileName.replace(root, '')}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const add = (name: string, kind: Kind, node: ts.Node, docNode: ts.Node = node): void => {
    const docs = ownDocs(docNode);
    const tags = tagsOf(docNode);
    const text = (tag: ts.JSDocTag): string => ts.getTextOfJSDocComment(tag.comment)?.trim() ?? '';
    symbols.push({
      name, kind, where: where(node),
      description: docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim(),
      examples: tags.filter((t) => t.tagName.text === 'example').map(text),
      skip: tags.filter((t) => t.tagName.text === 'doctestSkip').map(text)[0],
    });
  };

  const visitClass = (name: string, decl: ts.ClassDeclaration): void => {
    add(name, 'class', decl);
    const seen = new Set<string>();
    const members: (ts.ClassElement | ts.ParameterDeclaration)[] = [...decl.members];
    // Constructor parameters declared `readonly x` (or public/private) are properties too.
    for (const m of decl.members) {
      if (ts.isConstructorDeclaration(m)) members.push(...m.parameters.filter((p) => ts.isParameterPropertyDeclaration(p, m)));
    }
    for (const member of members) {
      const key = memberName(member);
      if (key === undefined || seen.has(key) || !isPublic(member)) continue;
      if (ts.isClassElement(member) && (ts.isIndexSignatureDeclaration(member) || ts.isClassStaticBlockDeclaration(member))) continue;
      seen.add(key);
      const qualified = `${name}.${key}`;
      if (hasTag(member, 'internal')) {
        internal.push({ name: qualified, where: where(member) });
        continue;
      }
      const kind: Kind = ts.isConstructorDeclaration(member) ? 'constructor'
        : ts.isMethodDeclaration(member) ? 'method'
          : ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member) ? 'accessor' : 'property';
      add(qualified, kind, member);
    }
  };

  const visit = (exported: ts.Symbol, prefix: string): void => {
    const name = prefix + exported.name;
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = target.declarations ?? [];
    const decl = declarations.find((d) => ownDocs(d).length > 0) ?? declarations[0];
    if (!decl) throw new Error(`${name}: no declaration found`);
    if (hasTag(decl, 'internal')) {
      internal.push({ name, where: where(decl) });
      return;
    }
    if (ts.isSourceFile(decl)) {
      // `export * as name from './module'`: the comment is on that export statement.
      const statement = exported.declarations?.[0]?.parent;
      add(name, 'namespace', decl, statement && ts.isExportDeclaration(statement) ? statement : decl);
      for (const member of checker.getExportsOfModule(target)) visit(member, `${name}.`);
    } else if (ts.isClassDeclaration(decl)) visitClass(name, decl);
    else if (ts.isFunctionDeclaration(decl)) add(name, 'function', decl);
    else if (ts.isInterfaceDeclaration(decl)) add(name, 'interface', decl);
    else if (ts.isTypeAliasDeclaration(decl)) add(name, 'type', decl);
    else throw new Error(`${name}: unexpected declaration kind ${ts.SyntaxKind[decl.kind]} at ${where(decl)}`);
  };

  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry}`);
  for (const exported of checker.getExportsOfModule(moduleSymbol)) visit(exported, '');
  return { symbols, internal, program };
}
