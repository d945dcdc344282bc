import TallyStorage

/// Every fixed string the generator writes, and the dictionaries string columns are coded against.
///
/// Rows carry only UInt32 codes into these lists; no String is created per row.
enum Vocabulary {
    static let sectors = ["retail", "banking", "telecom", "healthcare", "insurance", "travel", "utilities", "government"]

    /// Queues, grouped by sector (see `SectorProfile.queues`), with a relative talk-time factor each.
    static let queues: [(name: String, talkFactor: Double)] = [
        ("retail_orders", 0.85), ("retail_returns", 1.0), ("retail_payments", 0.9), ("retail_general", 1.1),
        ("banking_cards", 0.9), ("banking_accounts", 1.0), ("banking_loans", 1.35), ("banking_fraud", 1.2),
        ("telecom_billing", 0.9), ("telecom_tech_support", 1.3), ("telecom_sales", 1.0), ("telecom_moves", 0.95),
        ("healthcare_appointments", 0.75), ("healthcare_billing", 1.1), ("healthcare_nurse_line", 1.35),
        ("insurance_claims", 1.25), ("insurance_policy", 0.95), ("insurance_sales", 1.0),
        ("travel_bookings", 1.1), ("travel_changes", 1.0), ("travel_loyalty", 0.8),
        ("utilities_billing", 0.95), ("utilities_outages", 0.7), ("utilities_moves", 1.2),
        ("government_benefits", 1.15), ("government_permits", 1.0), ("government_tax", 1.1),
    ]

    static let channels = ["voice", "chat", "video"]
    /// Share of calls per channel and the talk-time factor of each.
    static let channelShares = [0.85, 0.12, 0.03]
    static let channelTalkFactor = [1.0, 1.45, 1.15]

    static let outcomes = ["resolved", "escalated", "transferred", "callback", "abandoned"]
    static let kinds = ["human", "ai"]
    static let statuses = ["available", "busy", "wrap", "break", "offline"]
    static let queueEvents = ["enqueued", "answered", "abandoned", "transferred"]
    static let components = ["labor", "telephony", "ai_inference", "licensing", "other"]
    static let anomalyKinds = ["aht_spike", "csat_drop", "volume_surge"]

    static let feedbackCategories = [
        "wait_time", "agent_knowledge", "courtesy", "resolution", "process", "billing", "technical_issue", "other",
    ]

    /// Survey comments: (feedback category, polarity −1/0/+1, text). Some contain commas, quotes and a newline.
    static let comments: [(category: Int, polarity: Int, text: String)] = [
        (0, -1, "Waited far too long, then got cut off."),
        (0, -1, "30 minutes on hold. Not acceptable."),
        (1, -1, "Agent didn't know the answer, said he'd \"check\" and never did."),
        (1, -1, "Had to explain everything twice."),
        (2, -1, "Rude, and the problem is still there."),
        (3, -1, "Nothing was solved."),
        (4, -1, "Transferred twice, still not solved."),
        (4, -1, "Had to repeat my account number three times."),
        (5, -1, "Billing error still not fixed, again."),
        (6, -1, "The voice assistant kept misunderstanding me."),
        (7, -1, "Promised a callback, nobody called."),
        (0, 0, "Fine, but slow."),
        (3, 0, "Got my answer, eventually."),
        (4, 0, "OK. The menu options are confusing."),
        (7, 0, "It was okay."),
        (7, 0, "Average experience."),
        (0, 1, "Short wait, clear answer."),
        (1, 1, "Very helpful, knew exactly what to do."),
        (2, 1, "She was patient and kind."),
        (2, 1, "Quick and friendly, thanks!"),
        (3, 1, "Fixed it on the first try."),
        (3, 1, "Problem solved.\nThanks again."),
        (6, 1, "The voice assistant was fast and easy."),
        (7, 1, "\"Best call I've had\" with any company."),
    ]

    /// Reviewer notes, from the most negative (index 0) to the most positive.
    static let reviewNotes = [
        "Interrupted the customer, twice.",
        "Missed the verification step.",
        "Long hold without explanation.",
        "Used \"jargon\" the customer did not understand.",
        "Accurate, but a bit rushed.",
        "Did not offer further help.",
        "Followed the script well.",
        "Escalated correctly per policy.",
        "Great empathy, calm tone.",
        "Excellent resolution, clear next steps.",
    ]

    static let firstNames = [
        "Maria", "James", "Aisha", "Wei", "Sofia", "Liam", "Fatima", "Noah", "Elena", "Lucas", "Priya", "Mateo",
        "Chloe", "Omar", "Hannah", "Diego", "Yuki", "Ethan", "Amara", "Jonas", "Zoe", "Ravi", "Lena", "Samuel",
        "Nadia", "Oliver", "Ines", "Kwame", "Grace", "Tomás", "Leila", "Daniel", "Mei", "Felix", "Rosa", "Ahmed",
        "Clara", "Ivan", "Nora", "Hugo", "Sara", "Marcus", "Julia", "Kenji", "Eva", "Andre", "Lucia", "Victor",
    ]
    static let lastNames = [
        "Garcia", "Smith", "Khan", "Chen", "Rossi", "Murphy", "Haddad", "Johnson", "Novak", "Silva", "Patel", "Lopez",
        "Martin", "Ali", "Schmidt", "Fernandez", "Tanaka", "Brown", "Okafor", "Berg", "Dubois", "Sharma", "Weber",
        "Cohen", "Petrov", "O'Brien", "Costa", "Mensah", "Wilson", "Ramos", "Nasser", "Kim", "Wang", "Fischer",
        "Moreno", "Hassan", "Larsen", "Ivanova", "Jensen", "Moreau", "Lindqvist", "Taylor", "Nowak", "Sato",
        "Kowalski", "Santos", "Bianchi", "Jones",
    ]
    static let aiNames = ["Aria", "Nova", "Echo", "Atlas", "Iris", "Sage"]
    static let tenantPrefixes = [
        "Northwind", "Bluebird", "Crescent", "Summit", "Harbor", "Evergreen", "Pioneer", "Silverline", "Redwood",
        "Meridian", "Keystone", "Lakeside", "Orion", "Granite", "Bayview", "Cedar", "Falcon", "Horizon", "Juniper",
        "Lighthouse", "Maple", "Neptune", "Oakridge", "Pinnacle", "Quartz", "Riverside", "Sterling", "Tidewater",
        "Unity", "Vanguard", "Westbrook", "Zenith", "Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Frontier",
        "Golden", "Highland", "Ironwood", "Jade", "Kestrel", "Liberty", "Monarch", "Nimbus", "Onyx", "Prairie",
        "Regal", "Sapphire",
    ]
    static let sectorTitles = ["Retail", "Bank", "Telecom", "Health", "Insurance", "Travel", "Energy", "Services"]

    // The dictionaries string columns are coded against (codes are the list indices above).
    static let sectorDictionary = StringDictionary(sectors)
    static let queueDictionary = StringDictionary(queues.map(\.name))
    static let channelDictionary = StringDictionary(channels)
    static let outcomeDictionary = StringDictionary(outcomes)
    static let kindDictionary = StringDictionary(kinds)
    static let statusDictionary = StringDictionary(statuses)
    static let queueEventDictionary = StringDictionary(queueEvents)
    static let componentDictionary = StringDictionary(components)
    static let anomalyKindDictionary = StringDictionary(anomalyKinds)
    static let feedbackDictionary = StringDictionary(feedbackCategories)
    static let commentDictionary = StringDictionary(comments.map(\.text))
    static let notesDictionary = StringDictionary(reviewNotes)
}

/// Codes of the fixed vocabularies, named.
enum Outcome: Int {
    case resolved = 0, escalated, transferred, callback, abandoned
}

enum AgentStatus: UInt32 {
    case available = 0, busy, wrap, onBreak, offline
}

enum QueueEvent: UInt32 {
    case enqueued = 0, answered, abandoned, transferred
}

enum CostComponent: UInt32 {
    case labor = 0, telephony, aiInference, licensing, other
}

enum AnomalyKind: Int, Sendable {
    case ahtSpike = 0, csatDrop, volumeSurge
}
