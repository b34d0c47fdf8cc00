/**
 * Remembers what a pure function of a string answered for the last `size` texts (least recently
 * used dropped first). For parsing the same stored text again and again (a condition, a schema,
 * a time zone) on every run: the answer must not be changed by whoever gets it.
 */
export function memoByText<T>(size: number, compute: (text: string) => T): (text: string) => T {
  const answers = new Map<string, T>();
  return (text) => {
    if (answers.has(text)) {
      const answer = answers.get(text)!;
      answers.delete(text);
      answers.set(text, answer);
      return answer;
    }
    const answer = compute(text);
    answers.set(text, answer);
    if (answers.size > size) answers.delete(answers.keys().next().value!);
    return answer;
  };
}
