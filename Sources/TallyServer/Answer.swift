import TallyQuery

/// Renders answer lines: one JSON object, terminated by `\n`.
///
/// Success: `{"id":…,"ok":true,<members>,"elapsed_ms":x}`; failure:
/// `{"id":…,"ok":false,"error":{"code":…,"message":…,"line":…,"column":…,"hint":…},"elapsed_ms":x}`.
/// Subscription pushes carry `"subscription":n,"seq":k` instead of an id.
public enum Answer {
    /// The members that open every answer: the id (when the request had one) or the subscription.
    static func head(_ id: RequestID?, subscription: (Int, Int)? = nil) -> String {
        var s = "{"
        if let id { s += "\"id\":" + id.json + "," }
        if let (n, seq) = subscription { s += "\"subscription\":\(n),\"seq\":\(seq)," }
        return s
    }

    /// A success answer with `members` (JSON members without braces, possibly empty).
    public static func ok(_ id: RequestID?, _ members: String, elapsed: Double?, subscription: (Int, Int)? = nil) -> String {
        var s = head(id, subscription: subscription) + "\"ok\":true"
        if !members.isEmpty { s += "," + members }
        if let elapsed { s += ",\"elapsed_ms\":" + JSONText.millis(elapsed) }
        return s + "}\n"
    }

    /// An error answer.
    public static func error(_ id: RequestID?, _ e: ProtocolError, elapsed: Double? = nil, subscription: (Int, Int)? = nil) -> String {
        var s = head(id, subscription: subscription) + "\"ok\":false,\"error\":" + errorObject(e)
        if let elapsed { s += ",\"elapsed_ms\":" + JSONText.millis(elapsed) }
        return s + "}\n"
    }

    /// The `error` object.
    public static func errorObject(_ e: ProtocolError) -> String {
        var s = "{\"code\":" + JSONText.string(e.code) + ",\"message\":" + JSONText.string(e.message)
        if let l = e.line { s += ",\"line\":\(l)" }
        if let c = e.column { s += ",\"column\":\(c)" }
        if let h = e.hint { s += ",\"hint\":" + JSONText.string(h) }
        for (k, v) in e.extra.sorted(by: { $0.key < $1.key }) { s += "," + JSONText.string(k) + ":" + v }
        return s + "}"
    }

    /// The members of a row result: `"columns":[…],"rows":[[…]…],"row_count":n` (no braces).
    public static func resultMembers(_ r: QueryResult) -> String {
        let doc = ResultFormatter.jsonDocument(r)
        return String(doc.utf8.dropFirst().dropLast())!
    }
}

extension ProtocolError {
    /// The protocol form of an engine error, with the position of SQL errors.
    public init(_ e: TallyError) {
        let known = e.position?.isKnown == true
        self.init(code: e.code, message: e.message, hint: e.hint,
                  line: known ? e.position!.line : nil, column: known ? e.position!.column : nil)
    }
}
