import { PassThrough } from 'node:stream';

/**
 * Streams for running the CLI's `main()` in this process: `stdin` as given, stdout and stderr
 * collected. `dataDir` is the local data folder it reads (`FAREWELL_DATA_DIR`).
 */
export function cliIo(dataDir: string, stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return {
    io: {
      stdout,
      stderr,
      stdin: PassThrough.from([stdin]),
      env: { FAREWELL_DATA_DIR: dataDir },
      cwd: process.cwd(),
    },
    output: () => ({ stdout: out, stderr: err }),
  };
}
