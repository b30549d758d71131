// A tiny client for the running node's REST API (setup and checks only; measured requests go through wrk).

export async function apiRequest(baseUrl, token, method, path, body) {
  const response = await globalThis.fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** POSTs a document and returns its documentId; anything but 201 is an error naming the response. */
export async function createDocument(baseUrl, token, pluralName, data) {
  const created = await apiRequest(baseUrl, token, 'POST', `/api/${pluralName}`, { data });
  if (created.status !== 201) {
    throw new Error(
      `creating a ${pluralName} document failed (${created.status}): ${JSON.stringify(created.json)}`,
    );
  }
  return created.json.data.documentId;
}
