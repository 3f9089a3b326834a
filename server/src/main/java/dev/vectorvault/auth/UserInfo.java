package dev.vectorvault.auth;

/** What may be shown about a user: the name and the free-text description. */
public record UserInfo(String username, String description) {}
