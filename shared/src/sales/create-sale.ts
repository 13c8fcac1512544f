import { AppError, notFound } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { findProduct } from '../products/products.repository';
import type { CreateSaleInput } from './sale.schema';
import { findSale, insertSaleAllocatingStock, type FlashSaleEvent } from './sales.repository';

export async function createSale(deps: Pick<Deps, 'db'>, input: CreateSaleInput): Promise<FlashSaleEvent> {
  const id = await insertSaleAllocatingStock(deps.db, input);
  if (id === undefined) {
    const product = await findProduct(deps.db, input.productId);
    if (!product) throw notFound('product');
    throw new AppError(
      'INSUFFICIENT_PRODUCT_STOCK',
      `the product has ${product.stock} unallocated units, ${input.availableStock} requested`,
    );
  }
  return (await findSale(deps.db, id))!;
}
