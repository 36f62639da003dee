#!/usr/bin/env bash
# One-off for issue 15 (delete after the merge): rewrites old-style `Paths.x` links and
# string-literal route registrations in Swift files into `SiteURL`. Safe to run again: it only
# touches what still has the old form. With no arguments it rewrites Sources and Tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- Sources Tests; fi
files=$(grep -rlE --include='*.swift' '\bPaths\.|router\.(get|post)\("/' "$@" || true)
if [ -z "$files" ]; then echo "paths-to-siteurl: nothing to rewrite"; exit 0; fi

# shellcheck disable=SC2086
perl -pi -e '
    BEGIN {
        %route = (
            "/" => "home", "/healthz" => "health", "/metrics" => "metrics", "/search" => "search",
            "/register" => "register", "/login" => "login", "/logout" => "logout",
            "/settings" => "settings", "/settings/password" => "settingsPassword", "/language" => "language",
            "/u/:name" => "user", "/b/:slug" => "board", "/b/:slug/new" => "newThread",
            "/b/:slug/feed.atom" => "feed", "/t/:id" => "thread", "/t/:id/reply" => "reply",
            "/t/:id/endorse" => "endorse", "/t/:id/summary" => "summary",
            "/p/:id/edit" => "editPost", "/p/:id/delete" => "deletePost", "/p/:id/history" => "postHistory",
            "/p/:id/flag" => "flagPost", "/harvest" => "harvest", "/harvest.csv" => "harvestCSV",
            "/harvest.json" => "harvestJSON", "/harvest.md" => "harvestMarkdown", "/mod" => "moderationQueue",
            "/mod/posts/:id" => "moderatePost", "/mod/posts/:id/:action" => "moderatePostAction",
            "/mod/threads/:id" => "moderateThread", "/mod/threads/:id/:action" => "moderateThreadAction",
            "/mod/users/:name/:action" => "moderateUser", "/mod/boards" => "adminBoards",
            "/mod/boards/:slug/:action" => "adminBoard", "/mod/words" => "adminWords",
            "/mod/words/:id/delete" => "adminWord", "/moderation-log" => "moderationLog",
        );
    }
    # Route table: router.get("/t/:id", use: show) -> router.get(.thread, use: show)
    s{\brouter\.(get|post)\("([^"]*)"}{exists $route{$2} ? "router.$1(.$route{$2}" : "router.$1(\"$2\""}ge;
    # Links whose builder was renamed or merged.
    s{\bPaths\.settings\s*\+\s*"\?saved=1"}{SiteURL.settingsSaved}g;
    s{\bPaths\.thread\(([^()]*)\)\s*\+\s*"#endorse"}{SiteURL.endorsements($1)}g;
    s{\bPaths\.boardPage\(}{SiteURL.board(}g;
    s{\bPaths\.subthread\(}{SiteURL.thread(}g;
    s{\bPaths\.replyTo\(}{SiteURL.reply(}g;
    s{\bPaths\.searchFor\b}{SiteURL.search}g;
    s{\bPaths\.moderationLogPage\(}{SiteURL.moderationLog(}g;
    s{\bPaths\.loginReturning\(to:}{SiteURL.login(returningTo:}g;
    # A route without parameters is its own link.
    s{\bPaths\.(home|login|logout|register|settings|settingsPassword|language|search|harvest|moderationQueue|moderationLog|adminBoards|adminWords)\b(?!\s*\()}{SiteURL.$1.path}g;
    # Everything else kept its name.
    s{\bPaths\.}{SiteURL.}g;
' $files

echo "paths-to-siteurl: rewrote $(echo "$files" | wc -l) file(s)"
if grep -rnE --include='*.swift' '\bPaths\.|router\.(get|post)\("' "$@"; then
    echo "paths-to-siteurl: the lines above still need a hand" >&2
    exit 1
fi
