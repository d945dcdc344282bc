import ArgumentParser
import TallyServer

/// `tally token`: prints a signed token for the line protocol.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an HS256 token for `tally serve` (tenant and role are signed into it)."
    )

    @Option(name: .customLong("secret-file"), help: "File holding the server's JWT secret (at least 32 bytes).")
    var secretFile: String

    @Option(help: "The tenant (client_id) the token is for.")
    var tenant: String

    @Option(help: "analyst (read), dashboard (read, subscribe), ingest (write) or admin (cross-tenant reads, DDL).")
    var role: String

    @Option(help: "How long the token is valid: seconds, or a number with s, m, h or d (e.g. 30m, 12h, 7d).")
    var ttl: String = "1h"

    @Option(help: "The subject (sub claim) recorded in the audit log, e.g. the dashboard's or person's name.")
    var subject: String?

    /// Seconds in `30`, `30s`, `15m`, `12h`, `7d`.
    static func duration(_ s: String) -> Double? {
        if s.hasSuffix("d"), let v = Double(s.dropLast()), v > 0 { return v * 86_400 }
        return RequestParser.parsePeriod(Substring(s))
    }

    func validate() throws {
        guard Role(rawValue: role) != nil else {
            throw ValidationError("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard TokenCommand.duration(ttl) != nil else { throw ValidationError("--ttl must be a positive duration like 3600, 30m, 12h or 7d") }
    }

    func run() throws {
        let secret: [UInt8]
        do { secret = try Authenticator.readSecret(path: secretFile) } catch let e as AuthFailure { throw ValidationError(e.message) }
        let role = Role(rawValue: self.role)!
        let ttl = TokenCommand.duration(self.ttl)!
        let (tenant, subject) = (self.tenant, self.subject)
        do {
            let token = try Blocking.run {
                let auth = try await Authenticator(secret: secret)
                return try await auth.issue(tenant: tenant, role: role, subject: subject, ttl: ttl)
            }
            print(token)
        } catch let e as AuthFailure {
            throw ValidationError(e.message)
        }
    }
}
