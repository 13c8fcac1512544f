/** Requests by the sale they are for, each sale's in the order given (the order they are decided in). */
export function groupBySale<T extends { eventId: string }>(requests: T[]): Map<string, T[]> {
  const bySale = new Map<string, T[]>();
  for (const request of requests) {
    const group = bySale.get(request.eventId);
    if (group) group.push(request);
    else bySale.set(request.eventId, [request]);
  }
  return bySale;
}
