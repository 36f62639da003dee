/// Who may do what to a post: the one place these rules are decided.
public enum Permissions {
    public static func canEdit(_ user: User?, _ post: Post) -> Bool {
        guard let user, !post.isDeleted else { return false }
        return post.authorId == user.id
    }

    public static func canDelete(_ user: User?, _ post: Post) -> Bool {
        canEdit(user, post)
    }

    /// Replies need an account, an open thread and a board that is not archived.
    public static func canReply(_ user: User?, thread: ThreadSummary, board: Board) -> Bool {
        user != nil && !thread.locked && !board.archived
    }
}
