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

export function newId(): string {
  return randomHex(32);
}
