/**
 * The Layers panel's side of its protocol (src/protocol/layersProtocol.ts), on the
 * request channel both panels use (media/shared/requestChannel.ts).
 */
import type { FromWebview, LayersPanelState, ToWebview, TreeMode, TreeRowView, TreeSort } from '../../src/protocol/layersProtocol';
import { type NoticeOf, RequestChannel, type WebviewApi } from '../shared/requestChannel';

export type VsCodeApi = WebviewApi<FromWebview, LayersPanelState>;

/** The Layers panel's notices. */
export type Notice = NoticeOf<ToWebview>;

export interface TreeQuery {
  layer: number;
  mode: TreeMode;
  sort: TreeSort;
  filter: string;
}

/** The Layers panel's channel. */
export class Messaging extends RequestChannel<ToWebview, FromWebview> {
  /** The rows of one folder of a layer's tree ('' for the top). */
  async listChildren(query: TreeQuery, path: string): Promise<TreeRowView[]> {
    const reply = await this.request({ type: 'listChildren', path, ...query });
    return reply.rows;
  }
}
