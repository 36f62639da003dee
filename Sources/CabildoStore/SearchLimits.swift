import Foundation

/// What one search may cost, so that no query can stall the database for everyone.
///
/// Before these bounds, twelve one-letter prefix terms (`d* p* c* …`) took ~4 s at 300 k posts,
/// and ten such requests held every reader of the pool: unrelated pages waited 14 s.
public struct SearchLimits: Sendable {
    /// Words of a query used at most; the rest are ignored.
    public var maxTerms = 6
    /// A `*` prefix term needs at least this many characters (shorter: matched as a whole word).
    public var minPrefixLength = 3
    /// SQLite stops a search that runs longer (its progress handler); the visitor reads "too broad".
    public var timeLimit: TimeInterval = 0.25
    /// Searches running at once: the pool keeps its other readers for pages.
    public var concurrent = 2
    /// Searches waiting for a turn; more are answered "busy" at once.
    public var waiting = 64

    public init() {}
}
