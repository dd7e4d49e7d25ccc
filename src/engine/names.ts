// Container names: docker's rule for user names, and generated adjective_surname names.
import { randomBytes, randomHex } from "../common/random.ts";
import { UserError } from "../common/errors.ts";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const LEFT = ["admiring", "bold", "brave", "clever", "eager", "festive", "gentle", "happy", "jolly", "keen", "lucid", "nifty", "quirky", "serene", "vibrant", "zealous"];
const RIGHT = ["babbage", "curie", "darwin", "euler", "fermi", "gauss", "hopper", "kepler", "lovelace", "noether", "pascal", "ritchie", "shannon", "thompson", "turing", "wozniak"];

export function checkName(name: string): string {
  const n = name.startsWith("/") ? name.slice(1) : name;
  if (!NAME.test(n)) throw new UserError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 125);
  return n;
}

export function generateName(): string {
  const b = randomBytes(3);
  return `${LEFT[b[0]! % LEFT.length]}_${RIGHT[b[1]! % RIGHT.length]}${b[2]! % 100}`;
}

/**
 * Claims a generated name through `insert`, which throws `conflict`-class errors when the name is
 * taken: then another is drawn, as docker does. 16 x 16 x 100 names make a clash likely enough
 * (~5% for 50 containers created at once) that the first draw must not be the last.
 */
export function claimGeneratedName(insert: (name: string) => void, isConflict: (err: unknown) => boolean, draw = generateName, tries = 10): string {
  for (let attempt = 1; ; attempt++) {
    const name = draw();
    try {
      insert(name);
      return name;
    } catch (err) {
      if (!isConflict(err) || attempt >= tries) throw err;
    }
  }
}

export function newId(): string {
  return randomHex(32);
}
