import CabildoCore

extension PostgresWriteListener {
    /// What a write changed, as the first word of its `NOTIFY cabildo_writes`, before the
    /// generation and the writing server's `origin` (PostgreSQL allows 8,000 bytes; these take a
    /// few dozen): `m` a member's own state; `e` everything; `n:B` a new thread in board B;
    /// `t:T:B` thread T of board B; `v:T:F:D` thread T moved from board F to D.
    /// Text a server does not understand (from a newer version) counts as everything.
    struct Notice: Equatable {
        let changes: WriteChanges

        /// nil for a write that changes nothing any server keeps.
        init?(_ changes: WriteChanges) {
            if changes == .nothing { return nil }
            self.changes = changes
        }

        init?(text: String) {
            let fields = text.split(separator: ":").map(String.init)
            let ids = fields.dropFirst().compactMap { Int64($0) }
            guard ids.count == fields.count - 1 else { return nil }
            switch (fields.first, ids.count) {
            case ("m", 0): changes = .memberState
            case ("e", 0): changes = .content(.everything)
            case ("n", 1): changes = .content(.newThread(board: ids[0]))
            case ("t", 2): changes = .content(.thread(ids[0], board: ids[1]))
            case ("v", 3): changes = .content(.moved(thread: ids[0], from: ids[1], to: ids[2]))
            default: return nil
            }
        }

        var text: String {
            switch changes {
            case .nothing, .content(.everything): "e"
            case .memberState: "m"
            case .content(.newThread(let board)): "n:\(board)"
            case .content(.thread(let thread, let board)): "t:\(thread):\(board)"
            case .content(.moved(let thread, let from, let to)): "v:\(thread):\(from):\(to)"
            }
        }
    }
}
