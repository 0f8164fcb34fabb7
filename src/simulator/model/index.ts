// The shared deterministic traffic model of the simulated appliances.
//
//   const model = new TrafficModel({ seed: 1, startedAt });      // hosts + conversations from a seed
//   model.hosts                                                   // ~280 hosts (IPv4, IPv6, broadcast)
//   model.connections(t0, t1)                                     // conversations active in [t0, t1) s
//   model.flowCounters(conn, t0, t1)                              // packets/bytes per direction
//   model.hostCounters(t0, t1)                                    // rx/tx per host
//   captureStream(model, { segments, filter, snapLength, format }) // pcap / pcapng bytes, fast
//
// Counters count frame bytes (Ethernet header to padding, no FCS), exactly the frames that
// captureStream writes, so a capture of [t0, t1) holds exactly the counted packets.
export * from './types';
export { TrafficModel, activeSeconds, frameLength, MAX_DURATION_MINUTES, type TrafficModelOptions } from './traffic';
export { generateHosts, GATEWAY_MAC, BROADCAST_MAC } from './hosts';
export { Rng, hash32 } from './rng';
export { parseIp, formatIp, canonicalIp, canonicalMac, inPrefix } from './ip';
export { frameTemplate, PatchKind, type FrameTemplate } from './frames';
export { fileHeader, recordSize, recordDataOffset, writeRecordHeader, readCaptureFile, LINKTYPE_ETHERNET, type CaptureFormat, type CapturedPacket } from './pcap';
export {
  captureStream, buildMinuteBlock, renderSecond, firstRecordAtOrAfter, packetOffsetUs,
  type ConnectionFilter, type BlockOptions, type MinuteBlock, type CaptureSegment, type CaptureStreamOptions,
} from './capture';
export { ModelSource, PacketListSource, dissect, type TrafficSource } from './source';
