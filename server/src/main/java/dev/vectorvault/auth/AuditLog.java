package dev.vectorvault.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per security event, on the logger named {@code audit}: who, what, from where. Values are
 * quoted and stripped of control characters so a crafted user name cannot forge log lines. Never pass a secret here.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("audit");

    public void loginFailed(String username, String client, String reason) {
        LOG.warn("event=login_failed user={} client={} reason={}", quote(username), quote(client), reason);
    }

    public void userChanged(String event, String actor, String target, String client) {
        LOG.info("event={} actor={} user={} client={}", event, quote(actor), quote(target), quote(client));
    }

    public void denied(String action, String actor, String target, String client, String reason) {
        LOG.warn("event=denied action={} actor={} user={} client={} reason={}", action, quote(actor), quote(target),
                quote(client), reason);
    }

    /** A request refused by RBAC: the RPC, who, the object it needed the privilege on, and the privilege. */
    public void permissionDenied(String action, String actor, String object, String client, String privilege) {
        LOG.warn("event=permission_denied action={} actor={} object={} privilege={} client={}", action,
                quote(actor), quote(object), privilege, quote(client));
    }

    /** A change to roles, bindings, grants or privilege groups; {@code detail} names what changed, never a secret. */
    public void rbacChanged(String event, String actor, String detail, String client) {
        LOG.info("event={} actor={} detail={} client={}", event, quote(actor), quote(detail), quote(client));
    }

    static String quote(String value) {
        if (value == null) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 256) + 2).append('"');
        value.codePoints().limit(256).forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (value.codePointCount(0, value.length()) > 256) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
