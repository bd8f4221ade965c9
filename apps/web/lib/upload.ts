import type { ApiRoute } from '@berth/shared';
import { changeHeaders, failedAnswer, routeUrl, type RouteResult } from './api';

export interface UploadOptions {
  params: Record<string, string>;
  /** A form (multipart) or a file sent as it is with `contentType`. */
  body: FormData | Blob;
  contentType?: string;
  /** Sent as X-Request-Id: the server tags the progress it pushes over socket.io with it. */
  requestId: string;
  /** The share of the body sent so far, 0 to 1. */
  onUploadProgress?: (fraction: number) => void;
}

/**
 * Sends a body `callRoute` cannot (a multipart form, a tar archive) to a route of the contract,
 * with the upload's progress (XMLHttpRequest reports it; fetch does not). The answer is parsed
 * with the route's response schema; failures throw the same ApiError as every call.
 */
export function uploadToRoute<R extends ApiRoute>(
  route: R,
  options: UploadOptions,
): Promise<RouteResult<R>> {
  const url = (routeUrl as (route: ApiRoute, input: { params: Record<string, string> }) => string)(
    route,
    { params: options.params },
  );
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(route.method.toUpperCase(), url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Request-Id', options.requestId);
    for (const [name, value] of Object.entries(changeHeaders())) xhr.setRequestHeader(name, value);
    if (options.contentType) xhr.setRequestHeader('Content-Type', options.contentType);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onUploadProgress?.(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new Error('The upload broke off: the server could not be reached.'));
    xhr.onload = () => {
      const response = new Response(xhr.responseText || null, {
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' },
      });
      if (xhr.status < 200 || xhr.status >= 300) {
        void failedAnswer(response).then(reject);
        return;
      }
      try {
        const data: unknown = JSON.parse(xhr.responseText);
        resolve((route.response ? route.response.parse(data) : data) as RouteResult<R>);
      } catch (cause) {
        reject(cause instanceof Error ? cause : new Error(String(cause)));
      }
    };
    xhr.send(options.body);
  });
}
