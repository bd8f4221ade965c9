// Jest runs in native ESM mode (the server and NestJS 12 are ES modules); SWC strips types and
// keeps decorator metadata for Nest's injection. `npm test` runs the projects separately.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@berth/shared$': '<rootDir>/packages/shared/src/index.ts',
    '^@berth/compose$': '<rootDir>/packages/compose/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

/** @type {import('jest').Config} */
export default {
  // Only honoured at the top level; integration tests drive real engines on a 2-core machine.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/server/src/**/*.test.ts',
        '<rootDir>/packages/*/src/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/server/test/**/*.test.ts'],
      slowTestThreshold: 20,
    },
  ],
};
