// The data of the shared traffic model. Every view (host lists, counters, peers, connections,
// packets) is computed from these objects, so all views agree.

export type L4Protocol = 'TCP' | 'UDP';

/** The kind of a conversation: decides rates, packet sizes and payload bytes. */
export type TrafficKind = 'web' | 'bulk' | 'dns' | 'ntp' | 'rtp' | 'quic' | 'ssh' | 'dhcp';

export interface Service {
  port: number;
  l4: L4Protocol;
  /** DPI application name as the appliance shows it (HTTP, TLS, DNS, RTP, ...). */
  app: string;
  kind: TrafficKind;
}

export interface Host {
  /** Stable index in `TrafficModel.hosts`. */
  index: number;
  /** Canonical text form (IPv4 dotted, IPv6 RFC 5952). */
  ip: string;
  /** 4 or 16 bytes. */
  ipBytes: Buffer;
  family: 4 | 6;
  /** MAC seen on the wire for this host: its own for local hosts, the gateway's for remote ones. */
  mac: string;
  /** 802.1Q VLAN id of the host's access port, 0 when untagged. */
  vlan: number;
  hostName: string;
  /** ISO 3166 code; '--' for private addresses. */
  countryCode: string;
  countryName: string;
  /** In the monitored site (private address), as opposed to the internet. */
  local: boolean;
  /** Services this host offers (empty for pure clients). */
  services: Service[];
}

/** What one direction of a connection sends in every second it is active. */
export interface DirectionProfile {
  /** L4 payload size of each packet of a second, in send order; length = packets per second. */
  payloads: number[];
  /** Packets per second (= payloads.length). */
  packets: number;
  /** Frame bytes per second (Ethernet header to end of padding, no FCS): what byte counters count. */
  bytes: number;
  /** L4 payload bytes per second (TCP sequence space consumed per second). */
  payloadBytes: number;
}

export interface Connection {
  /** Stable numeric id (unique within a model). */
  id: number;
  client: Host;
  server: Host;
  clientPort: number;
  serverPort: number;
  l4: L4Protocol;
  /** DPI application (HTTP, TLS, DNS, NTP, RTP, QUIC, SSH, SMB, AFP, MySQL, LDAP, DHCP). */
  app: string;
  kind: TrafficKind;
  /** VLAN tag on the wire (the client's VLAN), 0 = untagged. */
  vlan: number;
  /** First second (epoch seconds, inclusive) with packets; always a multiple of 60. */
  start: number;
  /** Second after the last one with packets (exclusive); a multiple of 60 or Infinity. */
  end: number;
  c2s: DirectionProfile;
  s2c: DirectionProfile;
  /** Initial TCP sequence numbers / RTP SSRC and sequence seeds. */
  isnC2s: number;
  isnS2c: number;
  ssrc: number;
}

/** Packets and frame bytes of a connection within a time window. */
export interface FlowCounters {
  c2sPackets: number;
  c2sBytes: number;
  s2cPackets: number;
  s2cBytes: number;
}

/** From one host's point of view: what it received and transmitted. */
export interface HostCounters {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

export type Direction = 'c2s' | 's2c';
