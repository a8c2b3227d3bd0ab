// graphql-codegen, client preset, over okno's exported schema: what a front-end team runs.
// Output: ./gql/ (generated, not committed). Run: npx graphql-codegen --config codegen.ts
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../../schema.graphql',
  documents: ['operations/*.graphql'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    './gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Every custom scalar must be mapped: a new one fails the check until it is.
        strictScalars: true,
        scalars: {
          DateTime: 'string', // ISO 8601, UTC, whole seconds: 2026-11-02T06:00:00+00:00
          Date: 'string', // 2026-11-02, in the Government's zone
          JSON: 'unknown',
        },
        useTypeImports: true,
        enumsAsTypes: true,
        // ESM on Node: relative imports carry their .js extension.
        emitLegacyCommonJSImports: false,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
