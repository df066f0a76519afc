// A stand-in for GitHub's OIDC issuer: a key pair made for the test, its public JWKS, and JWTs
// signed with it carrying the claims a GitHub Actions job's token has.
import {randomUUID} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {exportJWK, generateKeyPair, SignJWT, type JWK} from 'jose'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface TokenClaims {
  repository?: string
  audience?: string
  issuer?: string
  /** Seconds from now until it expires; negative for a token already expired. */
  expiresIn?: number
}

export interface TestIssuer {
  jwks: {keys: JWK[]}
  /** A JWT as the runner hands out: RS256, the key's kid, GitHub's claims. */
  sign(claims?: TokenClaims): Promise<string>
  /** Writes the JWKS into `dir` and returns the file's path. */
  writeJwks(dir: string): Promise<string>
}

export async function testIssuer(issuer = GITHUB_ISSUER): Promise<TestIssuer> {
  const {publicKey, privateKey} = await generateKeyPair('RS256')
  const kid = randomUUID()
  const jwks = {keys: [{...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig'}]}
  return {
    jwks,
    async sign({repository = 'acme/web', audience = 'prisma-cloud', issuer: iss = issuer, expiresIn = 300} = {}) {
      const now = Math.floor(Date.now() / 1000)
      const [owner] = repository.split('/')
      // Issued before it expires, as a real one: an expired token was issued minutes ago.
      const issuedAt = now + Math.min(-10, expiresIn - 300)
      return new SignJWT({repository, repository_owner: owner, ref: 'refs/heads/main', workflow: 'deploy', event_name: 'push'})
        .setProtectedHeader({alg: 'RS256', kid, typ: 'JWT'})
        .setIssuer(iss)
        .setAudience(audience)
        .setSubject(`repo:${repository}:ref:refs/heads/main`)
        .setJti(randomUUID())
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(now + expiresIn)
        .sign(privateKey)
    },
    async writeJwks(dir) {
      const path = join(dir, 'jwks.json')
      await writeFile(path, JSON.stringify(jwks))
      return path
    },
  }
}
