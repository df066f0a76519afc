// Numbers in messages and tables, as people read them.

/**
 * Digits grouped by thousands, rounded (never cut): `10000` → `10,000`, `1234.5678` → `1,234.568`,
 * and below 1 to three significant digits, `0.007865` → `0.00787`. toLocaleString would load
 * ICU's number formatting on every list.
 */
export function grouped(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const text = Number.isInteger(value) ? String(value) : Math.abs(value) < 1 ? String(Number(value.toPrecision(3))) : String(Number(value.toFixed(3)))
  // Below 1e-6 String() writes an exponent: nothing to group.
  if (text.includes('e')) return text
  const [whole, fraction] = text.split('.')
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return fraction === undefined ? digits : `${digits}.${fraction}`
}
