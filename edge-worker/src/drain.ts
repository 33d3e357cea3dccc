// Reads a response body to its end and drops it. Cancelling a body instead would close the
// connection; reading the few bytes of a notice or 202 lets workerd reuse it for the next call.
export async function drain(res: Response): Promise<void> {
  try {
    await res.arrayBuffer();
  } catch {
    // The bytes were not wanted anyway.
  }
}
