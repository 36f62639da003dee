/// A post with its replies, for rendering a thread as nested discussion.
public struct PostNode: Sendable, Equatable {
    public var post: Post
    public var depth: Int
    public var children: [PostNode]
    /// Replies exist below the depth cap; the page links to a view rooted at this post instead.
    public var hasHiddenReplies: Bool
}

public enum ThreadTree {
    /// Builds the reply tree rooted at `rootId` (the opening post when nil) from a thread's posts,
    /// in one pass. Replies deeper than `maxDepth` below the root are cut and flagged on their parent.
    public static func build(posts: [Post], rootId: Int64? = nil, maxDepth: Int) -> PostNode? {
        var childrenOf: [Int64: [Post]] = [:]
        var root: Post?
        for post in posts {
            if let rootId, post.id == rootId { root = post }
            if rootId == nil, post.parentId == nil { root = post }
            if let parent = post.parentId { childrenOf[parent, default: []].append(post) }
        }
        guard let root else { return nil }
        func node(_ post: Post, depth: Int) -> PostNode {
            let replies = childrenOf[post.id] ?? []
            if depth >= maxDepth {
                return PostNode(post: post, depth: depth, children: [], hasHiddenReplies: !replies.isEmpty)
            }
            return PostNode(post: post, depth: depth, children: replies.map { node($0, depth: depth + 1) }, hasHiddenReplies: false)
        }
        return node(root, depth: 0)
    }
}
