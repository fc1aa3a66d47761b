// Lint is a guard, not a style guide: typescript-eslint's recommended rules, and the layering of the project as
// import rules, so that what runs in AWS never pulls in the CDK and the emulator never grades itself with the code
// it tests. Formatting is Prettier's (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];
const group = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'assets/', 'cdk.out/', 'coverage/', 'reports/', '.stryker-tmp/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      // A Stryker directive keeps its reason on its own line (Stryker reads one line), however long.
      'max-len': [
        'error',
        {
          code: 140,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
          ignorePattern: '^\\s*// Stryker disable next-line ',
        },
      ],
    },
  },
  {
    files: ['lambda/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], 'lambda/ runs in AWS: it must not import the CDK.'),
        group(
          ['../testing/*', '../bin/*', '../bench/*'],
          'lambda/ runs in AWS: only lib/ rule and contract modules may be shared with it.',
        ),
      ]),
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(['../lambda/*', '../lambda'], 'lib/ is the construct library: the handler ships as a prebuilt bundle, never as an import.'),
        group(['../testing/*', '../testing'], 'lib/ must not depend on the test support.'),
      ]),
    },
  },
  {
    files: ['testing/finspace-emulator.ts', 'testing/emulator-*.ts', 'testing/sigv4.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(
          ['../lib/*', '../lib', '../lambda/*', '../lambda'],
          'The emulator states the model on its own, so a wrong rule in lib/ or lambda/ cannot pass its own test.',
        ),
        group(['@smithy/*', '@aws-sdk/*'], 'The emulator verifies SigV4 with its own code, not with the signer the client uses.'),
      ]),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
