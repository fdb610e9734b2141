/** The shape of FusionAuth's ClientResponse (resolved or thrown). */
interface ClientResponse<T> {
  statusCode: number;
  response: T;
}

/** Runs a FusionAuth client call and returns its response whether it succeeded or not. */
export async function attempt<T>(call: Promise<ClientResponse<T>>): Promise<{ statusCode: number; response: any }> {
  try {
    const ok = await call;
    return { statusCode: ok.statusCode, response: ok.response };
  } catch (error) {
    // The client puts a failed call's JSON body in `exception`.
    const failed = error as ClientResponse<unknown> & { exception?: unknown };
    if (typeof failed?.statusCode !== 'number') throw error;
    return { statusCode: failed.statusCode, response: failed.response ?? failed.exception };
  }
}

/** The error codes a FusionAuth 400 body carries for one field. */
export function codesFor(body: any, field: string): string[] {
  return (body?.fieldErrors?.[field] ?? []).map((e: { code: string }) => e.code);
}
