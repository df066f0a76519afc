// Numbers in messages and tables, as people read them.

/** `10000` → `10,000`, `1234.5678` → `1,234.567`; toLocaleString would load ICU's number formatting on every list. */
export function grouped(value: number): string {
  const [whole, fraction] = String(value).split('.')
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return fraction === undefined ? digits : `${digits}.${fraction.slice(0, 3)}`
}
