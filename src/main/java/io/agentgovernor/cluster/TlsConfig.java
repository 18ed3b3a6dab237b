package io.agentgovernor.cluster;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS settings of one endpoint ({@code admin.tls} for HTTPS, {@code cluster.tls} for the clustered
 * event bus between nodes): either a PKCS#12 key store ({@code keyStore}, {@code keyStorePassword})
 * or PEM files ({@code keyPath}, {@code certPath}). For the event bus the same certificate (or
 * {@code trustPath}, a PEM bundle) is also what a node trusts in its peers, so members must share a
 * CA. Hazelcast's own member traffic (map data on the cluster port) cannot be encrypted with the
 * open-source edition: keep that port on a private network.
 */
public record TlsConfig(boolean enabled, String keyStore, String keyStorePassword, String keyPath, String certPath,
                        String trustPath) {

  public static TlsConfig fromJson(JsonObject json, String path) {
    if (json == null || !Boolean.TRUE.equals(Json.optBoolean(json, "enabled", path))) {
      return new TlsConfig(false, null, null, null, null, null);
    }
    TlsConfig tls = new TlsConfig(true, Json.optString(json, "keyStore", path), Json.optString(json, "keyStorePassword", path),
        Json.optString(json, "keyPath", path), Json.optString(json, "certPath", path), Json.optString(json, "trustPath", path));
    if (tls.keyStore == null && (tls.keyPath == null || tls.certPath == null)) {
      throw GovernorException.invalid(path + ": TLS needs keyStore (PKCS#12) or keyPath and certPath (PEM)");
    }
    for (String file : new String[] {tls.keyStore, tls.keyPath, tls.certPath, tls.trustPath}) {
      if (file != null && !Files.isReadable(Path.of(file))) {
        throw GovernorException.invalid(path + ": cannot read " + file);
      }
    }
    return tls;
  }

  public KeyCertOptions keyCert() {
    return keyStore != null
        ? new PfxOptions().setPath(keyStore).setPassword(keyStorePassword)
        : new PemKeyCertOptions().setKeyPath(keyPath).setCertPath(certPath);
  }

  public TrustOptions trust() {
    if (trustPath != null) {
      return new PemTrustOptions().addCertPath(trustPath);
    }
    return keyStore != null ? new PfxOptions().setPath(keyStore).setPassword(keyStorePassword)
        : new PemTrustOptions().addCertPath(certPath);
  }

  @Override
  public String toString() {
    return "TlsConfig[enabled=" + enabled + "]"; // no paths or passwords in logs
  }
}
