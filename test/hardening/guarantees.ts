/**
 * The figures of the README's Guarantees table. Each hardening test asserts its own count equals the figure here,
 * and test/readme.test.ts checks the README states exactly these: a figure that drifts fails a test.
 */
export const GUARANTEES = {
  synth: { generatedInvalid: 1500, namedInvalid: 10, generatedValid: 150, tokenCases: 1 },
  deploy: { invalidInputs: 29, badServiceAnswers: 4, unanswerableEvents: 17 },
  faults: { total: 13, survived: 7, failedAtDeadline: 2, failedEarly: 4 },
  processFaults: { total: 3, answeredOnRetry: 3 },
  secrets: { values: 26 },
  nag: { findings: 0, acknowledgements: 0 },
  leastPrivilege: { exampleActions: 3, vpcActions: 9 },
} as const;
