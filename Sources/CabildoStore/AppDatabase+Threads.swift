import CabildoCore
import Foundation
import GRDB

extension AppDatabase {
    private static let threadColumns = """
        t.id, t.board_id, t.title, t.author_id, u.role AS author_role, \(shownName("u")) AS author_name, t.created_at,
        t.last_post_at, t.last_post_id, t.reply_count, t.pinned, t.locked, t.proposal, t.endorsement_count, t.listed
        """
    /// The columns `Post(row:)` reads, in the order it reads them (by position: GRDB's by-name
    /// access lowercases each name, which was 3 % of a thread page).
    static let postColumns = """
        p.id, p.thread_id, p.parent_id, p.author_id, u.role, \(shownName("u")), p.body_markdown, p.body_html,
        p.created_at, p.edited_at, p.deleted_at, p.held, p.hidden_at, p.hidden_automatically
        """
    static let postSelect = "SELECT \(postColumns) FROM posts p JOIN users u ON u.id = p.author_id"

    public func threads(boardId: Int64, before: Int64?, limit: Int) async throws -> [ForumThread] {
        try await read { db in try Self.fetchThreads(db, boardId: boardId, before: before, limit: limit) }
    }

    private static func fetchThreads(_ db: Database, boardId: Int64, before: Int64?, limit: Int) throws -> [ForumThread] {
        var rows: [Row] = []
        if before == nil {
            rows = try Row.fetchAll(db.cached("""
                SELECT \(threadColumns) FROM threads t JOIN users u ON u.id = t.author_id
                WHERE t.board_id = ? AND t.pinned = 1 AND t.listed = 1 ORDER BY t.last_post_id DESC
                """), arguments: [boardId])
        }
        rows += try Row.fetchAll(db.cached("""
            SELECT \(threadColumns) FROM threads t JOIN users u ON u.id = t.author_id
            WHERE t.board_id = ? AND t.pinned = 0 AND t.listed = 1 AND t.last_post_id < ?
            ORDER BY t.last_post_id DESC LIMIT ?
            """), arguments: [boardId, before ?? Int64.max, limit])
        return rows.map(ForumThread.init(row:))
    }

    public func thread(id: Int64) async throws -> ForumThread? {
        try await read { db in try Self.fetchThread(db, id: id) }
    }

    static func fetchThread(_ db: Database, id: Int64) throws -> ForumThread? {
        try Row.fetchOne(db.cached("""
            SELECT \(threadColumns) FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = ?
            """), arguments: [id]).map(ForumThread.init(row:))
    }

    public func threadPage(id: Int64, viewerId: Int64?) async throws -> ThreadPageContent? {
        try await read { db in
            guard let thread = try Self.fetchThread(db, id: id),
                let board = try Self.fetchBoard(db, id: thread.boardId) else { return nil }
            let proposal = thread.isProposal
            let posts = try Self.fetchPosts(db, threadId: id)
            // Only a viewer with a hidden post here can have asked for a review: no read otherwise.
            let ownHidden = viewerId.map { viewer in posts.filter { $0.isHidden && $0.authorId == viewer }.map(\.id) } ?? []
            let following = try viewerId.map { try Self.fetchFollowing(db, threadId: id, userId: $0) }
            return ThreadPageContent(
                thread: thread, board: board, posts: posts,
                summary: try Self.fetchSummary(db, threadId: id),
                endorsements: proposal && thread.endorsementCount > 0 ? try Self.fetchEndorsements(db, threadId: id) : [:],
                viewerEndorsed: proposal ? try viewerId.map { try Self.fetchHasEndorsed(db, threadId: id, userId: $0) } ?? false : false,
                watchLevel: following?.level,
                appeals: ownHidden.isEmpty ? [:] : try Self.fetchAppeals(db, postIds: ownHidden),
                unreadHere: following?.unread ?? 0)
        }
    }

    public func boardPage(slug: String, before: Int64?, limit: Int, viewerId: Int64?) async throws -> BoardPageContent? {
        try await read { db in
            guard let board = try Self.fetchBoard(db, slug: slug) else { return nil }
            return BoardPageContent(board: board, threads: try Self.fetchThreads(db, boardId: board.id, before: before, limit: limit),
                                    watchLevel: try viewerId.map { try Self.fetchWatchLevel(db, boardId: board.id, userId: $0) },
                                    conclusions: try Self.fetchPublishedConclusions(db, boardId: board.id))
        }
    }

    public func posts(threadId: Int64) async throws -> [Post] {
        try await read { db in try Self.fetchPosts(db, threadId: threadId) }
    }

    private static func fetchPosts(_ db: Database, threadId: Int64) throws -> [Post] {
        // Decoded from the cursor's live row: `fetchAll` would copy every row first.
        try Array(Row.fetchCursor(db.cached(postSelect + " WHERE p.thread_id = ? ORDER BY p.id"), arguments: [threadId])
            .map(Post.init(row:)))
    }

    public func post(id: Int64) async throws -> Post? {
        try await read { db in
            try Row.fetchOne(db.cached(Self.postSelect + " WHERE p.id = ?"), arguments: [id]).map(Post.init(row:))
        }
    }

    /// A held thread is stored unlisted and uncounted until a moderator approves its opening post.
    /// Refuses (`StoreError.closed`) when the board was archived or closed after the form was checked.
    public func createThread(_ draft: NewThread) async throws -> (threadId: Int64, postId: Int64) {
        try await write(changes: .content(.newThread(board: draft.boardId))) { db in
            try Self.checkBoardTakesPosts(db, boardId: draft.boardId, at: draft.createdAt)
            let now = draft.createdAt.unixSeconds
            try db.cached("""
                INSERT INTO threads (board_id, author_id, title, created_at, last_post_at, listed, proposal)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [draft.boardId, draft.authorId, draft.title, now, now, !draft.held, draft.isProposal])
            let threadId = db.lastInsertedRowID
            let postId = try insertPost(db, threadId: threadId, parentId: nil, authorId: draft.authorId,
                                        markdown: draft.markdown, html: draft.html, held: draft.held, at: now)
            try db.cached("UPDATE threads SET last_post_id = ? WHERE id = ?").execute(arguments: [postId, threadId])
            try Self.watchParticipated(db, threadId: threadId, userId: draft.authorId, at: now)
            guard !draft.held else {
                try notifyAuthor(db, postId: postId, .postHeld, actorId: nil, reason: nil, at: now)
                return (threadId, postId)
            }
            try db.cached("""
                UPDATE boards SET thread_count = thread_count + 1, post_count = post_count + 1, last_post_at = ?
                WHERE id = ?
                """).execute(arguments: [now, draft.boardId])
            try db.cached("INSERT INTO post_search (rowid, title, body) VALUES (?, ?, ?)").execute(arguments: [postId, draft.title, draft.markdown])
            try announce(db, postId: postId, at: now)
            return (threadId, postId)
        }
    }

    /// Rechecks inside the write what the handler checked before it: the thread is listed and
    /// not locked, its board taking posts (`StoreError.closed`), so a lock that lands between
    /// the check and the write still holds.
    public func createReply(_ draft: NewReply) async throws -> Int64 {
        try await write(changing: { db, _ in try Self.threadChanged(db, draft.threadId) }) { db in
            guard let thread = try Row.fetchOne(db.cached("""
                SELECT board_id, locked, listed FROM threads WHERE id = ?
                """), arguments: [draft.threadId]) else { throw StoreError.notFound }
            guard !thread["locked"], thread["listed"] else { throw StoreError.closed }
            let boardId: Int64 = thread["board_id"]
            try Self.checkBoardTakesPosts(db, boardId: boardId, at: draft.createdAt)
            let parentId: Int64
            if let requested = draft.parentId {
                guard try Bool.fetchOne(db.cached("SELECT 1 FROM posts WHERE id = ? AND thread_id = ?"),
                                        arguments: [requested, draft.threadId]) == true else { throw StoreError.invalidParent }
                parentId = requested
            } else {
                guard let opening = try Int64.fetchOne(db.cached("SELECT id FROM posts WHERE thread_id = ? AND parent_id IS NULL"),
                                                       arguments: [draft.threadId]) else { throw StoreError.notFound }
                parentId = opening
            }
            let now = draft.createdAt.unixSeconds
            let postId = try insertPost(db, threadId: draft.threadId, parentId: parentId, authorId: draft.authorId,
                                        markdown: draft.markdown, html: draft.html, held: draft.held, at: now)
            try Self.watchParticipated(db, threadId: draft.threadId, userId: draft.authorId, at: now)
            // A held reply bumps nothing, and is announced to nobody, until it is approved.
            guard !draft.held else {
                try notifyAuthor(db, postId: postId, .postHeld, actorId: nil, reason: nil, at: now)
                return postId
            }
            try db.cached("""
                UPDATE threads SET reply_count = reply_count + 1, last_post_at = ?, last_post_id = ? WHERE id = ?
                """).execute(arguments: [now, postId, draft.threadId])
            try db.cached("UPDATE boards SET post_count = post_count + 1, last_post_at = ? WHERE id = ?").execute(arguments: [now, boardId])
            try db.cached("INSERT INTO post_search (rowid, title, body) VALUES (?, '', ?)").execute(arguments: [postId, draft.markdown])
            try announce(db, postId: postId, at: now)
            return postId
        }
    }

    private func insertPost(_ db: Database, threadId: Int64, parentId: Int64?, authorId: Int64,
                            markdown: String, html: String, held: Bool, at now: Int64) throws -> Int64 {
        try db.cached("""
            INSERT INTO posts (thread_id, parent_id, author_id, body_markdown, body_html, held, created_at, stakeholder, announced)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT stakeholder FROM users WHERE id = ?3), 0)
            """).execute(arguments: [threadId, parentId, authorId, markdown, html, held, now])
        let id = db.lastInsertedRowID
        try HarvestChange.added(db, post: id)
        return id
    }

    /// Keeps the previous version in `post_revisions`, then replaces the body. `hold` sends the
    /// post back to the moderation queue (its counters, listing and search entry follow).
    /// An archived or closed board is read-only: `StoreError.closed`.
    public func editPost(id: Int64, markdown: String, html: String, hold: Bool, at date: Date) async throws {
        try await write(changing: { db, _ in try Self.postChanged(db, id) }) { db in
            if let boardId = try Int64.fetchOne(db.cached("""
                SELECT t.board_id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = ?
                """), arguments: [id]) {
                try Self.checkBoardTakesPosts(db, boardId: boardId, at: date)
            }
            try db.cached("""
                INSERT INTO post_revisions (post_id, body_markdown, body_html, created_at)
                SELECT id, body_markdown, body_html, COALESCE(edited_at, created_at) FROM posts
                WHERE id = ? AND deleted_at IS NULL
                """).execute(arguments: [id])
            guard db.changesCount == 1 else { throw StoreError.notFound }
            let harvest = try HarvestChange(db, post: id)
            try db.cached("UPDATE posts SET body_markdown = ?, body_html = ?, edited_at = ? WHERE id = ?").execute(arguments: [markdown, html, date.unixSeconds, id])
            try harvest.commit(db)
            try db.cached("UPDATE post_search SET body = ? WHERE rowid = ?").execute(arguments: [markdown, id])
            // Edits notify nobody; one sent back for review tells its author it waits again.
            if hold, try Bool.fetchOne(db.cached("SELECT held FROM posts WHERE id = ?"), arguments: [id]) == false {
                try changePost(db, id: id, held: true, hiddenAt: nil, at: date.unixSeconds)
                try notifyAuthor(db, postId: id, .postHeld, actorId: nil, reason: nil, at: date.unixSeconds)
            }
        }
    }

    public func deletePost(id: Int64, at date: Date) async throws {
        try await write(changing: { db, _ in try Self.postChanged(db, id) }) { db in try Self.removeText(db, postId: id, at: date.unixSeconds) }
    }

    /// Deleting a post, by its author or as they close their account: blanks the post but keeps
    /// its row, so replies to it keep their place in the tree. Its earlier versions go too: a
    /// deleted text must not survive in the edit history. Deleting a thread's opening post
    /// unlists the thread (it leaves its board, the harvest and endorsing).
    static func removeText(_ db: Database, postId id: Int64, at now: Int64) throws {
        let harvest = try HarvestChange(db, post: id)
        try db.cached("""
            UPDATE posts SET body_markdown = '', body_html = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL
            """).execute(arguments: [now, id])
        guard db.changesCount == 1 else { throw StoreError.notFound }
        try db.cached("DELETE FROM post_search WHERE rowid = ?").execute(arguments: [id])
        try db.cached("DELETE FROM post_revisions WHERE post_id = ?").execute(arguments: [id])
        // Nothing is left to tell anyone about, or to review.
        try forgetNotifications(db, postId: id)
        try db.cached("DELETE FROM appeals WHERE post_id = ?").execute(arguments: [id])
        if let thread = try Int64.fetchOne(db.cached("SELECT thread_id FROM posts WHERE id = ? AND parent_id IS NULL"), arguments: [id]) {
            try forgetNotifications(db, threadId: thread)
        }
        try db.cached("""
            UPDATE boards SET thread_count = thread_count - 1
            WHERE id = (SELECT t.board_id FROM threads t JOIN posts p ON p.thread_id = t.id
                        WHERE p.id = ?1 AND p.parent_id IS NULL AND t.listed = 1)
            """).execute(arguments: [id])
        try db.cached("""
            UPDATE threads SET listed = 0 WHERE id = (SELECT thread_id FROM posts WHERE id = ? AND parent_id IS NULL)
            """).execute(arguments: [id])
        try harvest.commit(db)
    }

    public func revisions(postId: Int64) async throws -> [PostRevision] {
        try await read { db in
            try Row.fetchAll(db.cached("""
                SELECT body_markdown, body_html, created_at FROM post_revisions WHERE post_id = ? ORDER BY id DESC
                """), arguments: [postId]).map {
                PostRevision(bodyMarkdown: $0["body_markdown"], bodyHTML: $0["body_html"], createdAt: $0.date("created_at"))
            }
        }
    }

    public func hasRecentPost(authorId: Int64, markdown: String, since: Date) async throws -> Bool {
        try await read { db in
            // Newest first through posts_by_author; at one post per few seconds, 100 rows cover any sane window.
            try Bool.fetchOne(db.cached("""
                SELECT 1 FROM (SELECT body_markdown, created_at FROM posts WHERE author_id = ? ORDER BY id DESC LIMIT 100)
                WHERE created_at >= ? AND body_markdown = ?
                """), arguments: [authorId, since.unixSeconds, markdown]) ?? false
        }
    }

    public func recentPosts(boardId: Int64, limit: Int) async throws -> [FeedEntry] {
        try await read { db in
            try Row.fetchAll(db.cached("""
                SELECT p.id, p.thread_id, t.title, \(Self.shownName("u")), p.body_html, p.created_at
                FROM threads t JOIN posts p ON p.thread_id = t.id AND p.parent_id IS NULL
                JOIN users u ON u.id = p.author_id
                WHERE t.board_id = ? AND t.listed = 1 AND p.deleted_at IS NULL AND p.hidden_at IS NULL
                ORDER BY t.id DESC LIMIT ?
                """), arguments: [boardId, limit]).map(FeedEntry.init(row:))
        }
    }
}

extension ForumThread {
    init(row: Row) {
        self.init(
            id: row["id"], boardId: row["board_id"], title: row["title"],
            author: Account(id: row["author_id"], role: Role(rawValue: row["author_role"]) ?? .member), authorName: row["author_name"],
            createdAt: row.date("created_at"), lastPostAt: row.date("last_post_at"), lastPostId: row["last_post_id"],
            replyCount: row["reply_count"], pinned: row["pinned"], locked: row["locked"],
            isProposal: row["proposal"], endorsementCount: row["endorsement_count"], listed: row["listed"]
        )
    }
}

extension Post {
    /// A row that starts with `AppDatabase.postColumns`.
    init(row: Row) {
        self.init(
            id: row[0], threadId: row[1], parentId: row[2],
            author: Account(id: row[3], role: Role(rawValue: row[4]) ?? .member),
            authorName: row[5], bodyMarkdown: row[6], bodyHTML: row[7],
            createdAt: Date(unixSeconds: row[8]), editedAt: (row[9] as Int64?).map(Date.init(unixSeconds:)),
            deletedAt: (row[10] as Int64?).map(Date.init(unixSeconds:)),
            held: row[11], hiddenAt: (row[12] as Int64?).map(Date.init(unixSeconds:)), hiddenAutomatically: row[13]
        )
    }
}

extension FeedEntry {
    init(row: Row) {
        self.init(postId: row[0], threadId: row[1], threadTitle: row[2], authorName: row[3], html: row[4],
                  createdAt: Date(unixSeconds: row[5]))
    }
}

extension AppDatabase {
    /// The board rule (`Permissions.boardTakesPosts`: not archived, open by its dates) checked
    /// again inside a write, where an archive or a new closing date that landed after the
    /// handler's check is visible.
    static func checkBoardTakesPosts(_ db: Database, boardId: Int64, at date: Date) throws {
        guard let board = try fetchBoard(db, id: boardId) else { throw StoreError.notFound }
        guard Permissions.boardTakesPosts(board, at: date) else { throw StoreError.closed }
    }
}
