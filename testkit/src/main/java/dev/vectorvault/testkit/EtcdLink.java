package dev.vectorvault.testkit;

import java.util.List;

/**
 * One client's path to every member of an {@link EtcdCluster}: a {@link TcpRelay} per member. Give the client
 * {@link #endpointsCsv()} as {@code etcd.endpoints}; {@link #cut()} then cuts that client (and only it) off from etcd.
 */
public final class EtcdLink implements AutoCloseable {
    private final List<TcpRelay> relays;

    EtcdLink(List<TcpRelay> relays) {
        this.relays = List.copyOf(relays);
    }

    public List<String> endpoints() {
        return relays.stream().map(TcpRelay::endpoint).toList();
    }

    public String endpointsCsv() {
        return String.join(",", endpoints());
    }

    public void cut() {
        relays.forEach(TcpRelay::cut);
    }

    public void restore() {
        relays.forEach(TcpRelay::restore);
    }

    @Override
    public void close() {
        relays.forEach(TcpRelay::close);
    }
}
