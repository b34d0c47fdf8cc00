/**
 * An alert condition in words a person reads ("the price is under 89,99 € and it is in stock"),
 * from the parsed condition and what a capability calls its fields. A field the capability does
 * not name reads as its path; nothing is lost, since the alert shows the condition's text beside.
 */
import type { Condition, Leaf, Scalar } from './condition.js';

/** How one output field reads: its name, how its values read, or (for booleans) a phrase each way. */
export interface FieldWords {
  /** "the price"; default the field's path. */
  name?: string;
  /** How a value of the field reads ("89,99 €", "500 ms"); default as written, strings in quotes. */
  value?: (value: Scalar) => string;
  /** For a true/false field: what `field == true` and `field == false` say. */
  truth?: { true: string; false: string };
}

const OP_WORDS: Record<Exclude<Leaf['op'], 'exists'>, string> = {
  '<': 'is under',
  '<=': 'is at most',
  '>': 'is over',
  '>=': 'is at least',
  '==': 'is',
  '!=': 'is not',
  contains: 'contains',
};

const plain = (value: Scalar): string => (typeof value === 'string' ? `“${value}”` : String(value));

function leafInWords(leaf: Leaf, fields: Readonly<Record<string, FieldWords>>): string {
  const words = fields[leaf.field] ?? {};
  const name = words.name ?? leaf.field;
  if (leaf.op === 'exists') return `${name} is there`;
  if (words.truth && typeof leaf.value === 'boolean' && (leaf.op === '==' || leaf.op === '!=')) {
    return (leaf.op === '==') === leaf.value ? words.truth.true : words.truth.false;
  }
  const value = leaf.value === null ? 'empty' : (words.value ?? plain)(leaf.value);
  return `${name} ${OP_WORDS[leaf.op]} ${value}`;
}

function inWords(condition: Condition, fields: Readonly<Record<string, FieldWords>>, inside: 'all' | 'any' | null): string {
  if ('all_of' in condition) return condition.all_of.map((c) => inWords(c, fields, 'all')).join(' and ');
  if ('any_of' in condition) {
    const text = condition.any_of.map((c) => inWords(c, fields, 'any')).join(' or ');
    return inside === 'all' ? `(${text})` : text;
  }
  return leafInWords(condition, fields);
}

/** The condition in words, with `fields` naming the capability's output fields. */
export function conditionInWords(condition: Condition, fields: Readonly<Record<string, FieldWords>> = {}): string {
  return inWords(condition, fields, null);
}
