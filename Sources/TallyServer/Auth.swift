import Foundation
import JWTKit
import TallyStorage

/// What a token lets its holder do.
public enum Role: String, Sendable, CaseIterable {
    /// Reads its tenant's tables.
    case analyst
    /// Reads and subscribes (live dashboards).
    case dashboard
    /// Writes rows (INSERT, WRITE); may look at table definitions (SHOW TABLES, DESCRIBE).
    case ingest
    /// Reads every tenant's tables (with a virtual client_id column), subscribes, and runs DDL and
    /// writes in its own tenant.
    case admin

    public var canRead: Bool { self != .ingest }
    public var canSubscribe: Bool { self == .dashboard || self == .admin }
    public var canWrite: Bool { self == .ingest || self == .admin }
    public var canRunDDL: Bool { self == .admin }
}

/// An authenticated client: the tenant and role come from a verified token and nothing else.
public struct Identity: Sendable, Equatable {
    /// The token's client_id: the tenant whose data the session sees (the admin's home tenant).
    public var tenant: String
    public var role: Role
    /// The token's `sub` claim, or "-" when absent; written to the audit log.
    public var subject: String
    /// Seconds since 1970 after which the token is no longer accepted.
    public var expiresAt: Double

    public init(tenant: String, role: Role, subject: String, expiresAt: Double) {
        self.tenant = tenant
        self.role = role
        self.subject = subject
        self.expiresAt = expiresAt
    }

    /// True once the token has expired.
    public func isExpired(now: Double = Date().timeIntervalSince1970) -> Bool { now >= expiresAt }
}

/// The claims of a Tally token: `client_id` (tenant), `role`, `exp` (required) and optionally `sub` and `iat`.
public struct TallyClaims: JWTPayload, Equatable {
    public var client_id: String
    public var role: String
    public var exp: ExpirationClaim
    public var sub: SubjectClaim?
    public var iat: IssuedAtClaim?

    public init(clientID: String, role: String, expiresAt: Date, subject: String?, issuedAt: Date) {
        self.client_id = clientID
        self.role = role
        self.exp = ExpirationClaim(value: expiresAt)
        self.sub = subject.map { SubjectClaim(value: $0) }
        self.iat = IssuedAtClaim(value: issuedAt)
    }

    /// Signature checking happens before this; here the claims are checked.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard Date() < exp.value else { throw AuthFailure(code: "token_expired", message: "the token expired at \(Self.iso(exp.value))") }
        guard Identifier.isValid(client_id) else { throw AuthFailure(code: "bad_token", message: "the token's client_id is not a valid tenant name") }
        guard Role(rawValue: role) != nil else {
            throw AuthFailure(code: "bad_token", message: "the token's role \"\(role.prefix(40))\" is not one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    static func iso(_ d: Date) -> String {
        Timestamp.format(Int64(d.timeIntervalSince1970 * 1_000_000)) + " UTC"
    }
}

/// Why a token was refused (`bad_token` or `token_expired`), or why a secret cannot be used.
public struct AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public var description: String { message }
}

/// Verifies and issues HS256 tokens with one shared secret.
public final class Authenticator: Sendable {
    private let keys: JWTKeyCollection
    /// Secrets shorter than this are refused: HS256 is only as strong as its key.
    public static let minimumSecretBytes = 32
    /// Longest token accepted (a JWT with these claims is a few hundred bytes).
    public static let maxTokenBytes = 4096

    /// A verifier for `secret`; throws when the secret is too short.
    public init(secret: [UInt8]) async throws {
        guard secret.count >= Authenticator.minimumSecretBytes else {
            throw AuthFailure(code: "weak_secret", message: "the JWT secret has \(secret.count) bytes; at least \(Authenticator.minimumSecretBytes) are needed")
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// Reads a secret file: its bytes, without one trailing newline (files written by `echo` end in one).
    public static func readSecret(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuthFailure(code: "no_secret", message: "cannot read the JWT secret file \(path)")
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
    }

    /// Verifies a token's signature and claims.
    public func verify(_ token: String) async throws(AuthFailure) -> Identity {
        guard token.utf8.count <= Authenticator.maxTokenBytes else { throw AuthFailure(code: "bad_token", message: "the token is too long") }
        let header = token.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        // Only HS256 is accepted: a token naming another algorithm (or "none") is refused before
        // any verification, whatever keys the collection might hold.
        guard Authenticator.headerAlgorithm(header) == "HS256" else {
            throw AuthFailure(code: "bad_token", message: "the token is not an HS256 JWT")
        }
        do {
            let claims = try await keys.verify(token, as: TallyClaims.self)
            return Identity(tenant: claims.client_id, role: Role(rawValue: claims.role)!,
                            subject: claims.sub?.value ?? "-", expiresAt: claims.exp.value.timeIntervalSince1970)
        } catch let e as AuthFailure {
            throw e
        } catch {
            // JWTKit's messages can quote token contents; the client gets a fixed text.
            throw AuthFailure(code: "bad_token", message: "the token is not valid (malformed or wrong signature)")
        }
    }

    /// The `alg` of a base64url-encoded JWT header, or nil.
    static func headerAlgorithm(_ encoded: String) -> String? {
        var b64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8),
              case .string(let alg)? = (try? JSONReader.parse(text))?["alg"] else { return nil }
        return alg
    }

    /// Signs a token for `tenant` and `role`, valid for `ttl` seconds.
    public func issue(tenant: String, role: Role, subject: String? = nil, ttl: Double, now: Date = Date()) async throws -> String {
        guard Identifier.isValid(tenant) else {
            throw AuthFailure(code: "bad_tenant", message: "\"\(tenant)\" is not a valid tenant name (letters, digits, '_' and '-', up to 64)")
        }
        let claims = TallyClaims(clientID: tenant, role: role.rawValue, expiresAt: now.addingTimeInterval(ttl), subject: subject, issuedAt: now)
        return try await sign(claims)
    }

    /// Signs any claims, unchecked (tests forge tokens with it).
    func sign(_ claims: TallyClaims) async throws -> String {
        try await keys.sign(claims)
    }
}
