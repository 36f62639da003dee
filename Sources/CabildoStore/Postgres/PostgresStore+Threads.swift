import CabildoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    static let threadColumns = """
        t.id, t.board_id, t.title, t.author_id, u.role AS author_role, \(AppDatabase.shownName("u")) AS author_name, t.created_at,
        t.last_post_at, t.last_post_id, t.reply_count, t.pinned, t.locked, t.proposal, t.endorsement_count, t.listed
        """
    static let postSelect = """
        SELECT p.id, p.thread_id, p.parent_id, p.author_id, u.role AS author_role, \(AppDatabase.shownName("u")) AS author_name,
            p.body_markdown, p.body_html, p.created_at, p.edited_at, p.deleted_at, p.held, p.hidden_at, p.hidden_automatically
        FROM posts p JOIN users u ON u.id = p.author_id
        """

    public func threads(boardId: Int64, before: Int64?, limit: Int) async throws -> [ForumThread] {
        try await read { connection in try await fetchThreads(connection, boardId: boardId, before: before, limit: limit) }
    }

    /// Pinned threads first (first page only), then by last activity, as `AppDatabase.threads`.
    private func fetchThreads(_ connection: PostgresConnection, boardId: Int64, before: Int64?, limit: Int) async throws -> [ForumThread] {
        var threads: [ForumThread] = []
        if before == nil {
            threads = try await connection.all("""
                SELECT \(unescaped: Self.threadColumns) FROM threads t JOIN users u ON u.id = t.author_id
                WHERE t.board_id = \(boardId) AND t.pinned AND t.listed ORDER BY t.last_post_id DESC
                """, logger: logger, ForumThread.init(columns:))
        }
        threads += try await connection.all("""
            SELECT \(unescaped: Self.threadColumns) FROM threads t JOIN users u ON u.id = t.author_id
            WHERE t.board_id = \(boardId) AND NOT t.pinned AND t.listed AND t.last_post_id < \(before ?? Int64.max)
            ORDER BY t.last_post_id DESC LIMIT \(limit)
            """, logger: logger, ForumThread.init(columns:))
        return threads
    }

    public func thread(id: Int64) async throws -> ForumThread? {
        try await read { connection in try await fetchThread(connection, id: id) }
    }

    func fetchThread(_ connection: PostgresConnection, id: Int64) async throws -> ForumThread? {
        try await connection.one("""
            SELECT \(unescaped: Self.threadColumns) FROM threads t JOIN users u ON u.id = t.author_id WHERE t.id = \(id)
            """, logger: logger, ForumThread.init(columns:))
    }

    public func threadPage(id: Int64, viewerId: Int64?) async throws -> ThreadPageContent? {
        try await read { connection in
            guard let thread = try await fetchThread(connection, id: id),
                  let board = try await fetchBoard(connection, id: thread.boardId) else { return nil }
            let posts = try await fetchPosts(connection, threadId: id)
            // Only a viewer with a hidden post here can have asked for a review: no read otherwise.
            let ownHidden = viewerId.map { viewer in posts.filter { $0.isHidden && $0.authorId == viewer }.map(\.id) } ?? []
            var following: (level: WatchLevel, unread: Int)?
            if let viewerId { following = try await fetchFollowing(connection, threadId: id, userId: viewerId) }
            var endorsements: [Stakeholder: Int] = [:]
            var viewerEndorsed = false
            if thread.isProposal {
                if thread.endorsementCount > 0 { endorsements = try await fetchEndorsements(connection, threadId: id) }
                if let viewerId { viewerEndorsed = try await fetchHasEndorsed(connection, threadId: id, userId: viewerId) }
            }
            return ThreadPageContent(
                thread: thread, board: board, posts: posts, summary: try await fetchSummary(connection, threadId: id),
                endorsements: endorsements, viewerEndorsed: viewerEndorsed, watchLevel: following?.level,
                appeals: ownHidden.isEmpty ? [:] : try await fetchAppeals(connection, postIds: ownHidden),
                unreadHere: following?.unread ?? 0)
        }
    }

    public func boardPage(slug: String, before: Int64?, limit: Int, viewerId: Int64?) async throws -> BoardPageContent? {
        try await read { connection in
            guard let board = try await fetchBoard(connection, slug: slug) else { return nil }
            var watchLevel: WatchLevel?
            if let viewerId { watchLevel = try await fetchWatchLevel(connection, boardId: board.id, userId: viewerId) }
            return BoardPageContent(board: board, threads: try await fetchThreads(connection, boardId: board.id, before: before, limit: limit),
                                    watchLevel: watchLevel,
                                    conclusions: try await fetchPublishedConclusions(connection, boardId: board.id))
        }
    }

    public func posts(threadId: Int64) async throws -> [Post] {
        try await read { connection in try await fetchPosts(connection, threadId: threadId) }
    }

    private func fetchPosts(_ connection: PostgresConnection, threadId: Int64) async throws -> [Post] {
        try await connection.all("\(unescaped: Self.postSelect) WHERE p.thread_id = \(threadId) ORDER BY p.id", logger: logger,
                                 Post.init(columns:))
    }

    public func post(id: Int64) async throws -> Post? {
        try await read { connection in
            try await connection.one("\(unescaped: Self.postSelect) WHERE p.id = \(id)", logger: logger, Post.init(columns:))
        }
    }

    /// A held thread is stored unlisted and uncounted until a moderator approves its opening post.
    /// Refuses (`StoreError.closed`) when the board was archived or closed by its dates after the
    /// form was checked; the board's row stays locked until the thread is in, so an archiving waits for it.
    public func createThread(_ draft: NewThread) async throws -> (threadId: Int64, postId: Int64) {
        try await write(changes: .content(.newThread(board: draft.boardId))) { connection in
            guard try await connection.one("SELECT id FROM boards WHERE id = \(draft.boardId) FOR UPDATE",
                                           logger: logger, { try $0.int64("id") }) != nil else { throw StoreError.notFound }
            try await checkBoardTakesPosts(connection, boardId: draft.boardId, at: draft.createdAt)
            let now = draft.createdAt.unixSeconds
            guard let threadId = try await connection.one("""
                INSERT INTO threads (board_id, author_id, title, created_at, last_post_at, listed, proposal)
                VALUES (\(draft.boardId), \(draft.authorId), \(draft.title), \(now), \(now), \(!draft.held), \(draft.isProposal))
                RETURNING id
                """, logger: logger, { try $0.int64("id") }) else { throw StoreError.notFound }
            let postId = try await insertPost(connection, threadId: threadId, parentId: nil, authorId: draft.authorId,
                                              markdown: draft.markdown, html: draft.html, held: draft.held, at: now)
            try await connection.run("UPDATE threads SET last_post_id = \(postId) WHERE id = \(threadId)", logger: logger)
            try await watchParticipated(connection, threadId: threadId, userId: draft.authorId, at: now)
            guard !draft.held else {
                try await notifyAuthor(connection, postId: postId, .postHeld, actorId: nil, reason: nil, at: now)
                return (threadId, postId)
            }
            try await connection.run("""
                UPDATE boards SET thread_count = thread_count + 1, post_count = post_count + 1, last_post_at = \(now)
                WHERE id = \(draft.boardId)
                """, logger: logger)
            try await connection.run("""
                INSERT INTO post_search (post_id, title, body) VALUES (\(postId), \(draft.title), \(draft.markdown))
                """, logger: logger)
            try await announce(connection, postId: postId, at: now)
            return (threadId, postId)
        }
    }

    /// Rechecks inside the write what the handler checked before it: the thread is listed and
    /// not locked, its board not archived and open by its dates (`StoreError.closed`). Both rows are locked (`FOR
    /// UPDATE`: both are updated below anyway), so a lock that lands between the check and the
    /// write waits for this reply, and this reply for it.
    public func createReply(_ draft: NewReply) async throws -> Int64 {
        try await writeRetryingMoves(changing: { connection, _ in try await threadChanged(connection, draft.threadId) }) { connection in
            guard let thread = try await connection.one("""
                SELECT t.board_id, t.locked, t.listed, b.archived FROM threads t JOIN boards b ON b.id = t.board_id
                WHERE t.id = \(draft.threadId) FOR UPDATE OF b, t
                """, logger: logger, { row in
                    (boardId: try row.int64("board_id"), open: try !row.bool("locked") && row.bool("listed") && !row.bool("archived"))
                }) else {
                // A move that committed while this waited for the board leaves the joined row
                // unmatched: the thread is there, on another board; try again from the start.
                let exists = try await connection.one("SELECT id FROM threads WHERE id = \(draft.threadId)", logger: logger) {
                    try $0.int64("id")
                }
                throw exists == nil ? StoreError.notFound : ThreadMovedMeanwhile()
            }
            guard thread.open else { throw StoreError.closed }
            try await checkBoardTakesPosts(connection, boardId: thread.boardId, at: draft.createdAt)
            let parentId: Int64
            if let requested = draft.parentId {
                guard try await connection.one("SELECT id FROM posts WHERE id = \(requested) AND thread_id = \(draft.threadId)",
                                               logger: logger, { try $0.int64("id") }) != nil else { throw StoreError.invalidParent }
                parentId = requested
            } else {
                guard let opening = try await connection.one("""
                    SELECT id FROM posts WHERE thread_id = \(draft.threadId) AND parent_id IS NULL
                    """, logger: logger, { try $0.int64("id") }) else { throw StoreError.notFound }
                parentId = opening
            }
            let now = draft.createdAt.unixSeconds
            let postId = try await insertPost(connection, threadId: draft.threadId, parentId: parentId, authorId: draft.authorId,
                                              markdown: draft.markdown, html: draft.html, held: draft.held, at: now)
            try await watchParticipated(connection, threadId: draft.threadId, userId: draft.authorId, at: now)
            // A held reply bumps nothing, and is announced to nobody, until it is approved.
            guard !draft.held else {
                try await notifyAuthor(connection, postId: postId, .postHeld, actorId: nil, reason: nil, at: now)
                return postId
            }
            try await connection.run("""
                UPDATE threads SET reply_count = reply_count + 1, last_post_at = \(now), last_post_id = \(postId) WHERE id = \(draft.threadId)
                """, logger: logger)
            try await connection.run("""
                UPDATE boards SET post_count = post_count + 1, last_post_at = \(now) WHERE id = \(thread.boardId)
                """, logger: logger)
            try await connection.run("INSERT INTO post_search (post_id, title, body) VALUES (\(postId), '', \(draft.markdown))",
                                     logger: logger)
            try await announce(connection, postId: postId, at: now)
            return postId
        }
    }

    private func insertPost(_ connection: PostgresConnection, threadId: Int64, parentId: Int64?, authorId: Int64,
                            markdown: String, html: String, held: Bool, at now: Int64) async throws -> Int64 {
        guard let id = try await connection.one("""
            INSERT INTO posts (thread_id, parent_id, author_id, body_markdown, body_html, held, created_at, stakeholder, announced)
            VALUES (\(threadId), \(parentId), \(authorId), \(markdown), \(html), \(held), \(now),
                    (SELECT stakeholder FROM users WHERE id = \(authorId)), false)
            RETURNING id
            """, logger: logger, { try $0.int64("id") }) else { throw StoreError.notFound }
        try await PostgresHarvestChange.added(self, connection, post: id)
        return id
    }
}

extension ForumThread {
    init(columns row: Columns) throws {
        self.init(
            id: try row.int64("id"), boardId: try row.int64("board_id"), title: try row.string("title"),
            author: Account(id: try row.int64("author_id"), role: Role(rawValue: try row.string("author_role")) ?? .member),
            authorName: try row.optionalString("author_name"),
            createdAt: try row.date("created_at"), lastPostAt: try row.date("last_post_at"), lastPostId: try row.int64("last_post_id"),
            replyCount: try row.int("reply_count"), pinned: try row.bool("pinned"), locked: try row.bool("locked"),
            isProposal: try row.bool("proposal"), endorsementCount: try row.int("endorsement_count"), listed: try row.bool("listed")
        )
    }
}

extension Post {
    /// A row of `PostgresStore.postSelect`.
    init(columns row: Columns) throws {
        self.init(
            id: try row.int64("id"), threadId: try row.int64("thread_id"), parentId: try row.optionalInt64("parent_id"),
            author: Account(id: try row.int64("author_id"), role: Role(rawValue: try row.string("author_role")) ?? .member),
            authorName: try row.optionalString("author_name"), bodyMarkdown: try row.string("body_markdown"),
            bodyHTML: try row.string("body_html"), createdAt: try row.date("created_at"), editedAt: try row.optionalDate("edited_at"),
            deletedAt: try row.optionalDate("deleted_at"), held: try row.bool("held"), hiddenAt: try row.optionalDate("hidden_at"),
            hiddenAutomatically: try row.bool("hidden_automatically")
        )
    }
}
