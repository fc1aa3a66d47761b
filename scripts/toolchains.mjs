// The toolchains the language packages and the language tests need, each checked by running it: a missing one
// stops the command at once with its name and where to get it, instead of failing deep inside a build.
import { spawnSync } from 'node:child_process';

const TOOLCHAINS = {
  python: {
    command: 'python3',
    args: ['-c', 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))'],
    needs: 'Python 3.10 or newer with venv and pip (python3)',
  },
  java: { command: 'javac', args: ['-version'], needs: 'a JDK 11 or newer (javac)' },
  maven: { command: 'mvn', args: ['-v'], needs: 'Apache Maven 3.6 or newer (mvn)' },
  go: { command: 'go', args: ['version'], needs: 'Go 1.25 or newer (go)' },
};

/** The names (keys of TOOLCHAINS) of the toolchains that do not run here. */
export function missingToolchains(names, env = process.env) {
  return names.filter((name) => {
    const { command, args } = TOOLCHAINS[name];
    // No JVM performance-data folder left in the OS temp directory by the check.
    const quiet = { ...env, JAVA_TOOL_OPTIONS: `${env.JAVA_TOOL_OPTIONS ?? ''} -XX:-UsePerfData`.trim() };
    const result = spawnSync(command, args, { stdio: 'ignore', env: quiet });
    return result.error !== undefined || result.status !== 0;
  });
}

/** Exits 1 with a message naming each missing toolchain, when one of `names` does not run here. */
export function requireToolchains(names, what, env = process.env) {
  const missing = missingToolchains(names, env);
  if (missing.length === 0) return;
  for (const name of missing)
    console.error(`${what}: ${TOOLCHAINS[name].needs} is needed but \`${TOOLCHAINS[name].command}\` did not run.`);
  console.error(
    `${what}: install ${missing.length === 1 ? 'it' : 'them'} and put ${missing.length === 1 ? 'it' : 'them'} on PATH, then run it again.`,
  );
  process.exit(1);
}
