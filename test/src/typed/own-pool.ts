// A project's own pool type, named by a `{ from: 'file' }` type specifier in the tests.
export interface OwnPool {
  take(): number;
  giveBack(handle: number): void;
}
