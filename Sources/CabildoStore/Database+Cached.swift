import GRDB

extension Database {
    /// A statement SQLite compiles once per connection and GRDB keeps: compiling (parsing,
    /// planning, GRDB's authorizer) was about a tenth of a thread page. The cache keeps every
    /// distinct string, so only the store's fixed SQL goes through here, never SQL built per request.
    func cached(_ sql: String) throws -> Statement {
        try cachedStatement(sql: sql)
    }
}
