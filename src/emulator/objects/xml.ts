// XML in and out. Answers are built from plain objects with fast-xml-parser's builder (text
// escaped); request bodies (CompleteMultipartUpload, Delete) are read with its parser, bounded by
// the caller, with no entity expansion beyond XML's own five.
import {XMLBuilder, XMLParser} from 'fast-xml-parser'

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** A value of an answer: text, a nested element, or a list of repeated elements. */
export type XmlValue = string | number | boolean | XmlObject | XmlObject[] | string[] | undefined
export interface XmlObject {
  [element: string]: XmlValue
}

const builder = new XMLBuilder({ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false})

/** `<?xml ...?><Root xmlns="...">...</Root>`; undefined members are left out. */
export function xmlDocument(root: string, body: XmlObject): string {
  const defined = JSON.parse(JSON.stringify(body)) as XmlObject
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({[root]: {'@_xmlns': NAMESPACE, ...defined}}) as string}`
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Keys are kept exactly as sent: no trimming, no number parsing.
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'Part' || name === 'Object',
})

/** The document's root element as an object, or undefined when the text is not well-formed XML. */
export function parseXml(text: string, root: string): Record<string, unknown> | undefined {
  try {
    const parsed = parser.parse(text, true) as Record<string, unknown>
    const element = parsed[root]
    return typeof element === 'object' && element !== null ? (element as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
