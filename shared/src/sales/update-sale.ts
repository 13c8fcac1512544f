import { AppError, notFound } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import type { UpdateSaleInput } from './sale.schema';
import { findSale, updateSale as updateSaleRow, type FlashSaleEvent } from './sales.repository';

export async function updateSale(deps: Pick<Deps, 'db'>, id: string, input: UpdateSaleInput): Promise<FlashSaleEvent> {
  const updated = await updateSaleRow(deps.db, id, input).catch((error: { constraint?: string }) => {
    if (error.constraint === 'flash_sale_events_window') {
      throw new AppError('VALIDATION_ERROR', 'endTime must be after startTime', {
        details: [{ path: 'body.endTime', message: 'must be after startTime' }],
      });
    }
    throw error;
  });
  if (!updated) throw notFound('flash-sale event');
  return (await findSale(deps.db, id))!;
}
