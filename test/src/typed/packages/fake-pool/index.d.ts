// A stand-in for a pool library's typings (reached through tsconfig `paths` as 'fake-pool').
export interface Item {
  readonly id: number;
}
export declare class Pool {
  get(): Item;
  return(item: Item): void;
}
