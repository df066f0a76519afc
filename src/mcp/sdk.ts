// Everything the MCP server takes at run time from the MCP SDK and zod, in one place. The fast
// bundle (scripts/bundle.js) builds this module alone into one CommonJS file that
// src/fast/code-cache.ts loads with V8's code cache, so that a start does not parse the SDK, zod
// and their dependencies anew; everywhere else it is the plain re-export it looks like.
export {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js'
export {JSONRPCMessageSchema} from '@modelcontextprotocol/sdk/types.js'
export {AjvJsonSchemaValidator} from '@modelcontextprotocol/sdk/validation/ajv-provider.js'
export {z} from 'zod'
