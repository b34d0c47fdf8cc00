/** US dollars for people: cents, or four decimals for amounts under ten cents ($0.0015). */
export function formatUsd(amount: number): string {
  return `$${amount !== 0 && Math.abs(amount) < 0.1 ? amount.toFixed(4) : amount.toFixed(2)}`;
}
